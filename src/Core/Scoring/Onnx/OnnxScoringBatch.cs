using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace DeepML;

/// <summary>
/// The working memory of one cursor or mapped row of <see cref="OnnxScoringTransformer"/>: one typed
/// buffer per model input and output, each holding <c>capacity</c> rows. <see cref="Run"/> wraps the
/// first <c>rows</c> rows of every buffer as an <see cref="OrtValue"/> (no copy) and runs the session
/// once; the output getters copy one row out of the output buffers.
/// </summary>
internal sealed class OnnxScoringBatch : IScoringBatch
{
    private readonly OnnxSessionRunner _runner;
    private readonly TensorBuffer[] _inputs;
    private readonly TensorBuffer[] _outputs;

    public OnnxScoringBatch(OnnxSessionRunner runner, IReadOnlyList<OnnxTensorSpec> inputs, IReadOnlyList<OnnxTensorSpec> outputs, DataViewRow source, int capacity)
    {
        _runner = runner;
        _inputs = inputs.Select(s => TensorBuffer.Create(s, capacity)).ToArray();
        _outputs = outputs.Select(s => TensorBuffer.Create(s, capacity)).ToArray();
        for (var i = 0; i < _inputs.Length; i++)
            _inputs[i].Bind(source, source.Schema[inputs[i].ColumnName]);
    }

    public void Read(int slot)
    {
        foreach (var input in _inputs)
            input.Read(slot);
    }

    public void Run(int rows)
    {
        var inputs = new OrtValue[_inputs.Length];
        var outputs = new OrtValue[_outputs.Length];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
                inputs[i] = _inputs[i].Value(rows);
            for (var i = 0; i < outputs.Length; i++)
                outputs[i] = _outputs[i].Value(rows);
            _runner.Run(inputs, outputs);
        }
        finally
        {
            foreach (var value in inputs.Concat(outputs))
                value?.Dispose();
        }
    }

    public Delegate Getter(int outputIndex, Func<int> slot) => _outputs[outputIndex].Getter(slot);

    /// <summary>Rows of one tensor, row-major, in a managed array that ONNX Runtime reads or writes in place.</summary>
    private abstract class TensorBuffer
    {
        public static TensorBuffer Create(OnnxTensorSpec spec, int capacity) => spec.Element switch
        {
            TensorElementType.Float => new TensorBuffer<float>(spec, capacity),
            TensorElementType.Double => new TensorBuffer<double>(spec, capacity),
            TensorElementType.Int32 => new TensorBuffer<int>(spec, capacity),
            TensorElementType.Int64 => new TensorBuffer<long>(spec, capacity),
            TensorElementType.Bool => new TensorBuffer<bool>(spec, capacity),
            _ => throw new InvalidOperationException($"OnnxScoringTransformer: element type {spec.Element} of '{spec.OnnxName}' is not supported."),
        };

        public abstract void Bind(DataViewRow source, DataViewSchema.Column column);

        public abstract void Read(int slot);

        public abstract OrtValue Value(int rows);

        public abstract Delegate Getter(Func<int> slot);
    }

    private sealed class TensorBuffer<T> : TensorBuffer
        where T : unmanaged
    {
        private readonly T[] _data;
        private readonly int _size;
        private readonly long[] _shape;
        private ValueGetter<VBuffer<T>>? _vector;
        private ValueGetter<T>? _scalar;
        private VBuffer<T> _row;

        public TensorBuffer(OnnxTensorSpec spec, int capacity)
        {
            _size = spec.Size;
            _shape = (long[])spec.Shape.Clone();
            _data = new T[capacity * _size];
        }

        public override void Bind(DataViewRow source, DataViewSchema.Column column)
        {
            if (column.Type is VectorDataViewType)
                _vector = source.GetGetter<VBuffer<T>>(column);
            else
                _scalar = source.GetGetter<T>(column);
        }

        public override void Read(int slot)
        {
            if (_scalar is not null)
            {
                _scalar(ref _data[slot]);
                return;
            }
            _vector!(ref _row);
            var destination = _data.AsSpan(slot * _size, _size);
            if (_row.IsDense)
            {
                _row.GetValues().CopyTo(destination);
                return;
            }
            destination.Clear();
            var values = _row.GetValues();
            var indices = _row.GetIndices();
            for (var i = 0; i < values.Length; i++)
                destination[indices[i]] = values[i];
        }

        public override OrtValue Value(int rows)
        {
            // Each run gets its own shape array: ONNX Runtime may read it after this call returns.
            var shape = (long[])_shape.Clone();
            shape[0] = rows;
            return OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, _data.AsMemory(0, rows * _size), shape);
        }

        public override Delegate Getter(Func<int> slot) =>
            (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) =>
            {
                var row = _data.AsSpan(slot() * _size, _size);
                var editor = VBufferEditor.Create(ref value, _size);
                row.CopyTo(editor.Values);
                value = editor.Commit();
            });
    }
}
