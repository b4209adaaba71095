#!/usr/bin/env bash
# Prepares, on this (CPU) machine, everything a GPU check of DeepML needs, in .gpu/ (ignored by git),
# sized for a machine that has no .NET, no network, and takes at most 64 MiB of carried files per
# call (ignored folders carried earlier stay there while the machine is warm):
#
#   .gpu/train/   examples/AdultIncome bundled with the .NET runtime (../shared/gpu/bundle.sh):
#                 CUDA training through PyTorch's torch/lib (DEEPML_DEVICE=cuda:0)
#   .gpu/bench/   benchmarks/Onnx, bundled the same way: CPU vs CUDA scoring rows/s on 1M rows
#   .gpu/ort/     the npm ONNX Runtime 1.29 core, its shared provider library and DeepML's API bridge
#   .gpu/cuda1..N the CUDA provider library, xz-compressed and split into parts under 60 MB
#
# and prints the device-tool calls to make, in order. Run the calls back to back: the machine
# forgets the carried parts once it goes back (idle for about 30 s).
#   scripts/gpu-kit.sh            # needs npm and a C compiler (for scripts/fetch-onnxruntime-cuda.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KIT="$ROOT/.gpu"
BUNDLE="$ROOT/../shared/gpu/bundle.sh"
ORT="$ROOT/.native/onnxruntime-cuda"
PART_MB=55

[[ -x "$BUNDLE" || -f "$BUNDLE" ]] || { echo "gpu-kit: $BUNDLE not found; it comes with the shared folder beside the repository." >&2; exit 1; }
[[ -f "$ORT/libdeepml_ort_bridge.so" && -f "$ORT/libonnxruntime_providers_cuda.so" ]] || bash "$ROOT/scripts/fetch-onnxruntime-cuda.sh"

rm -rf "$KIT" && mkdir -p "$KIT/ort"
echo "gpu-kit: bundling examples/AdultIncome and benchmarks/Onnx"
bash "$BUNDLE" "$ROOT/examples/AdultIncome/AdultIncome.csproj" "$KIT/train"
bash "$BUNDLE" "$ROOT/benchmarks/Onnx/DeepML.Onnx.Benchmarks.csproj" "$KIT/bench"
# Each bundle's run.sh unpacks into the same /tmp folder; give each its own.
sed -i 's|dest=/tmp/deepml-bundle|dest=/tmp/deepml-bundle-train|' "$KIT/train/run.sh"
sed -i 's|dest=/tmp/deepml-bundle|dest=/tmp/deepml-bundle-bench|' "$KIT/bench/run.sh"

echo "gpu-kit: packing the ONNX Runtime core and the CUDA provider"
tar -C "$ORT" -cJf "$KIT/ort/core.tar.xz" libonnxruntime.so libonnxruntime_providers_shared.so libdeepml_ort_bridge.so
xz -T0 -9 -c "$ORT/libonnxruntime_providers_cuda.so" > "$KIT/cuda.xz"
split -b "${PART_MB}M" -d -a 1 "$KIT/cuda.xz" "$KIT/cuda.part"
rm "$KIT/cuda.xz"
parts=()
for part in "$KIT"/cuda.part*; do
  n=$(( ${part##*cuda.part} + 1 ))
  mkdir -p "$KIT/cuda$n"
  mv "$part" "$KIT/cuda$n/part"
  parts+=("cuda$n")
done
(cd "$ROOT" && sha256sum .native/onnxruntime-cuda/libonnxruntime_providers_cuda.so | sed 's|.native/onnxruntime-cuda/||' > "$KIT/ort/cuda.sha256")
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
  then: run  carry=[".gpu/ort", ".gpu/bench"]  command:
        bash scripts/gpu-run.sh bench
  then: run  carry=[".gpu/train"]  command:
        bash scripts/gpu-run.sh train
EOF
