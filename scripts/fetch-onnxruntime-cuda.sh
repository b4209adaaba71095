#!/usr/bin/env bash
# Fetches a CUDA-capable ONNX Runtime for Linux x64 from two npm packages (the Unity builds by
# asus4; see shared DESIGN.md §4) and unpacks the shared libraries flat into .native/onnxruntime-cuda/
# (ignored by git). Point DeepML at it with:  export DEEPML_ONNXRUNTIME_DIR=$PWD/.native/onnxruntime-cuda
#
#   com.github.asus4.onnxruntime@0.4.9                 Plugins/Linux/x64/libonnxruntime.so (ORT 1.29.0 core, CUDA-capable)
#   com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9   libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so
#
# The CUDA provider needs at run time: libcudart.so.13, libcublas.so.13, libcublasLt.so.13,
# libcurand.so.10 and cuDNN 9 (libcudnn.so.9) on the loader's search path (LD_LIBRARY_PATH), for
# example the nvidia/*/lib folders of a pip-installed PyTorch.
# The core is ONNX Runtime 1.29 while DeepML's managed package is newer, so the script also builds
# DeepML's API bridge (src/Core/Runtime/OrtApiBridge/deepml_ort_bridge.c) against the core's own
# headers into libdeepml_ort_bridge.so beside it; DeepML loads it when the core is older than the
# managed API (see OrtApiBridge.cs). Needs a C compiler ($CC, default cc).
# Uses `npm pack NAME@VERSION` (no Node project needed) through npm's configured registry.
set -euo pipefail

VERSION="${1:-0.4.9}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.native/onnxruntime-cuda"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

CC="${CC:-cc}"
command -v npm >/dev/null || { echo "fetch-onnxruntime-cuda: npm is not installed; install Node.js/npm (for example 'apt-get install npm') and run again." >&2; exit 1; }
command -v "$CC" >/dev/null || { echo "fetch-onnxruntime-cuda: no C compiler '$CC' to build DeepML's API bridge; install one (for example 'apt-get install gcc') or set CC, and run again." >&2; exit 1; }
mkdir -p "$DEST"

for pkg in "com.github.asus4.onnxruntime" "com.github.asus4.onnxruntime.linux-x64-gpu"; do
  echo "fetch-onnxruntime-cuda: npm pack $pkg@$VERSION"
  (cd "$WORK" && npm pack --silent "$pkg@$VERSION" >/dev/null)
done

for tgz in "$WORK"/*.tgz; do
  mkdir -p "$WORK/x"
  tar -xzf "$tgz" -C "$WORK/x"
done

# Only the Linux x64 shared libraries, flattened.
found=0
while IFS= read -r -d '' so; do
  cp -f "$so" "$DEST/"
  found=$((found + 1))
done < <(find "$WORK/x" -type f -path '*Linux*x64*' -name 'libonnxruntime*.so' -print0)

for need in libonnxruntime.so libonnxruntime_providers_cuda.so libonnxruntime_providers_shared.so; do
  [[ -f "$DEST/$need" ]] || { echo "fetch-onnxruntime-cuda: $need was not found in the packages (layout changed?). Look inside the .tgz files with 'tar -tzf'." >&2; exit 1; }
done
# The C API headers of the same build (the package ships them inside its Apple frameworks; the C API
# is the same on every platform), then the bridge built against them.
header="$(find "$WORK/x" -type f -name onnxruntime_c_api.h -path '*Headers*' | sort | head -n 1)"
[[ -n "$header" ]] || { echo "fetch-onnxruntime-cuda: onnxruntime_c_api.h was not found in the packages (layout changed?)." >&2; exit 1; }
rm -rf "$DEST/include" && mkdir -p "$DEST/include"
cp -f "$(dirname "$header")"/*.h "$DEST/include/"
"$CC" -std=c11 -O2 -fPIC -shared -pthread -fvisibility=hidden -Wall -Wextra -Werror -I "$DEST/include" \
  -o "$DEST/libdeepml_ort_bridge.so.tmp" "$ROOT/src/Core/Runtime/OrtApiBridge/deepml_ort_bridge.c" -ldl
mv -f "$DEST/libdeepml_ort_bridge.so.tmp" "$DEST/libdeepml_ort_bridge.so"
echo "fetch-onnxruntime-cuda: built $DEST/libdeepml_ort_bridge.so against C API $(sed -n 's/^#define ORT_API_VERSION \([0-9]*\).*/\1/p' "$DEST/include/onnxruntime_c_api.h")"

echo "fetch-onnxruntime-cuda: $found libraries in $DEST:"
ls -l "$DEST"
echo "export DEEPML_ONNXRUNTIME_DIR=$DEST"
