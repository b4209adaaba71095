using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Cli.Data;

/// <summary>
/// Loads a CSV file as an <see cref="IDataView"/> with ML.NET's <see cref="TextLoader"/> (streamed, not
/// read into memory): numeric columns as Single (missing cells as NaN), every other column as String.
/// </summary>
internal static class DatasetLoader
{
    public static IDataView Load(MLContext ml, string path, DatasetSchema schema, TaskDescription? task = null)
    {
        var columns = schema.Columns.Select(c => new TextLoader.Column(c.Name, KindOf(c, task), c.Index)).ToArray();
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = columns,
            HasHeader = schema.HasHeader,
            Separators = [schema.Separator],
            AllowQuoting = true,
            TrimWhitespace = true,
            MissingRealsAsNaNs = true,
        });
        return loader.Load(new FileSource(path));
    }

    private static DataKind KindOf(InferredColumn column, TaskDescription? task)
    {
        if (task is not null && column.Name == task.LabelColumn)
            return task.Task == TaskKind.Regression ? DataKind.Single : DataKind.String;
        return column.Kind == ColumnKind.Numeric ? DataKind.Single : DataKind.String;
    }

    /// <summary>One file, plain or gzipped, as ML.NET's stream source.</summary>
    private sealed class FileSource(string path) : IMultiStreamSource
    {
        public int Count => 1;

        public string? GetPathOrNull(int index) => path;

        public Stream Open(int index)
        {
            Stream stream = File.OpenRead(path);
            return CsvReading.IsGzip(path) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        }

        public TextReader OpenTextReader(int index) => new StreamReader(Open(index));
    }
}
