#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: build everything, boot one guest on pvirq-host's Xen model,
# show what pvhvm_irq does.  The guest's "| " lines are the demo; the last
# line says whether the guest finished cleanly.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../../.." && pwd)

echo "pvirq demo: building modules, test modules and pvirq-host..."
if ! { make -s -C "$TOP" test-modules && make -s -C "$TOP/tools/testing/pvirq/host"; } \
	> "$TOP/build/demo-build.log" 2>&1; then
	echo "pvirq demo: the build failed:" >&2
	tail -30 "$TOP/build/demo-build.log" >&2
	exit 1
fi
echo "pvirq demo: booting a 2-vCPU Linux 6.1 guest under QEMU (TCG), about 20 s..."
echo
out=$("$HERE/run.sh" --kernels 6.1 "$HERE/demo/xen-demo.sh" 2>&1)
rc=$?
echo "$out" | sed -n 's/^| \{0,1\}//p'
echo
if [ $rc = 0 ]; then
	echo "pvirq demo: the guest finished cleanly."
else
	echo "pvirq demo: something went wrong:"
	echo "$out" | grep -vE '^\| ' | tail -40
fi
exit $rc
