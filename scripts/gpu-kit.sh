#!/usr/bin/env bash
# Prepares, on this (CPU) machine, everything a GPU check of DeepML needs, in .gpu/ (ignored by git),
# sized for a machine that has no .NET, no network, and takes at most 64 MiB of carried files per
# call (ignored folders carried earlier stay there while the machine is warm):
#
#   .gpu/train/    examples/AdultIncome bundled with the .NET runtime (../shared/gpu/bundle.sh):
#                  CUDA training through PyTorch's torch/lib (DEEPML_DEVICE=cuda:0), CUDA scoring
#   .gpu/bench/    benchmarks/Onnx, bundled the same way: CPU vs CUDA scoring rows/s on 1M rows
#   .gpu/fmnist/   examples/FashionMnist, bundled the same way; the full Fashion-MNIST IDX files (30 MB) in
#                  .gpu/fmnist-data: the CNN trained on CPU and on cuda:0 (epoch time, accuracy)
#   .gpu/ort/      libonnxruntime.so and libonnxruntime_providers_shared.so of the official
#                  Microsoft.ML.OnnxRuntime.Gpu.Linux package, and the checksums of all three libraries
#   .gpu/cuda1..4  its libonnxruntime_providers_cuda.so (289 MB), xz-compressed and split into parts < 60 MB
#
# Both bundles leave the CUDA and TensorRT provider libraries out (scripts/gpu-kit.targets; they would not fit a carry); on the
# GPU machine scripts/gpu-run.sh reassembles the provider into one folder with the core and points
# DEEPML_ONNXRUNTIME_DIR at it. It prints the device-tool calls to make, in order.
#   scripts/gpu-kit.sh            # needs xz and a restore of Microsoft.ML.OnnxRuntime.Gpu.Linux (the bundles restore it)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIT="$ROOT/.gpu"
BUNDLE="$ROOT/../shared/gpu/bundle.sh"
PART_MB=55
VERSION=$(sed -n 's|.*"Microsoft.ML.OnnxRuntime.Gpu.Linux" Version="\([^"]*\)".*|\1|p' "$ROOT/Directory.Packages.props")
PACKAGES="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
ORT="$PACKAGES/microsoft.ml.onnxruntime.gpu.linux/$VERSION/runtimes/linux-x64/native"

[[ -f "$BUNDLE" ]] || { echo "gpu-kit: $BUNDLE not found; it comes with the shared folder beside the repository." >&2; exit 1; }

rm -rf "$KIT" && mkdir -p "$KIT/ort"
echo "gpu-kit: bundling examples/AdultIncome, benchmarks/Onnx and examples/FashionMnist"
for pair in "examples/AdultIncome/AdultIncome.csproj train" "benchmarks/Onnx/DeepML.Onnx.Benchmarks.csproj bench" "examples/FashionMnist/FashionMnist.csproj fmnist"; do
  set -- $pair
  # DEEPML_GPU_KIT=1: the publish leaves the CUDA and TensorRT providers out (scripts/gpu-kit.targets).
  DEEPML_GPU_KIT=1 bash "$BUNDLE" "$ROOT/$1" "$KIT/$2"
  if tar -tJf "$KIT/$2/bundle.tar.xz" | grep -q 'libonnxruntime_providers_cuda.so'; then
    echo "gpu-kit: $2's bundle still holds libonnxruntime_providers_cuda.so; does $1 import scripts/gpu-kit.targets?" >&2; exit 1
  fi
  # Each bundle's run.sh unpacks into the same /tmp folder; give each its own.
  sed -i "s|dest=/tmp/deepml-bundle\$|dest=/tmp/deepml-bundle-$2|" "$KIT/$2/run.sh"
done
FMNIST="${FASHION_MNIST_DIR:-$ROOT/../shared/datasets/fashion-mnist}"
[[ -f "$FMNIST/train-images-idx3-ubyte.gz" ]] || FMNIST=/usr/share/datasets/fashion-mnist
mkdir -p "$KIT/fmnist-data" && cp "$FMNIST"/*-ubyte.gz "$KIT/fmnist-data/"   # its own carry: bundle + data exceed 64 MiB
[[ -f "$ORT/libonnxruntime_providers_cuda.so" ]] || { echo "gpu-kit: $ORT/libonnxruntime_providers_cuda.so not found: restore examples/AdultIncome first." >&2; exit 1; }

echo "gpu-kit: packing the official ONNX Runtime $VERSION core and its CUDA provider"
tar -C "$ORT" -cJf "$KIT/ort/core.tar.xz" libonnxruntime.so libonnxruntime_providers_shared.so
(cd "$ORT" && sha256sum libonnxruntime.so libonnxruntime_providers_shared.so libonnxruntime_providers_cuda.so) > "$KIT/ort/sha256"
xz -T0 -9 -c "$ORT/libonnxruntime_providers_cuda.so" | split -b "${PART_MB}M" -d -a 1 - "$KIT/cuda.part"
parts=()
for part in "$KIT"/cuda.part*; do
  n=$(( ${part##*cuda.part} + 1 ))
  mkdir -p "$KIT/cuda$n"
  mv "$part" "$KIT/cuda$n/part"
  parts+=("cuda$n")
done
(cd "$KIT" && sha256sum cuda*/part > ort/parts.sha256)
du -sh "$KIT"/*

cat <<EOF

gpu-kit: ready. Device-tool calls, in order, each right after the previous one returns:
EOF
i=1
for p in "${parts[@]}"; do
  echo "  $i. run  carry=[\".gpu/$p\"]  command: ls -l .gpu/$p"
  i=$((i + 1))
done
cat <<'EOF'
  then: run  carry=[".gpu/ort", ".gpu/bench"]  command: ls -l .gpu/ort .gpu/bench
  then: run  carry=[".gpu/fmnist"]  command: ls -l .gpu/fmnist
  then: run  carry=[".gpu/fmnist-data"]  command: ls -l .gpu/fmnist-data
  then: run  carry=[".gpu/train"]  timeout_s=540  command:
        bash scripts/gpu-run.sh
EOF
