using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace DeepML.Estimators.Tests.Trainers;

/// <summary>A feature vector only: what a fitted network reads (PredictionEngine input).</summary>
public sealed class FeatureRow
{
    public float[] Features { get; set; } = [];
}

/// <summary>Features with a Boolean label and an example weight.</summary>
public sealed class BinaryRow
{
    public float[] Features { get; set; } = [];
    public bool Label { get; set; }
    public float Weight { get; set; } = 1;
}

/// <summary>Features with a class name (mapped to a key label) and an example weight.</summary>
public sealed class ClassRow
{
    public float[] Features { get; set; } = [];
    public string Class { get; set; } = "";
    public float Weight { get; set; } = 1;
}

/// <summary>Features with a numeric label and an example weight.</summary>
public sealed class ValueRow
{
    public float[] Features { get; set; } = [];
    public float Label { get; set; }
    public float Weight { get; set; } = 1;
}

/// <summary>Generic rows for wrong-type and missing-column data.</summary>
public sealed class AnyRow<TFeatures, TLabel>
{
    public TFeatures Features { get; set; } = default!;
    public TLabel Label { get; set; } = default!;
    public float Other { get; set; }
}

/// <summary>The bundled data sets (data/ in the repository), small and standardised for fast tests.</summary>
public static class TestData
{
    private static readonly Lazy<string> Root = new(FindRoot);
    private static readonly Lazy<(float[][] X, string[] Y)> IrisRows = new(LoadIris);
    private static readonly Lazy<(float[][] X, bool[] Y)> CreditRows = new(LoadCredit);
    private static readonly Lazy<(float[][] X, float[] Y)> DiabetesRows = new(LoadDiabetes);

    /// <summary>Iris's classes in key order.</summary>
    public static readonly string[] IrisClasses = ["setosa", "versicolor", "virginica"];

    private sealed class KeyRow
    {
        public string Class { get; set; } = "";
    }

    public static string DataDirectory => Root.Value;

    /// <summary>Iris: 150 rows, 4 standardised features, class names setosa/versicolor/virginica.</summary>
    public static (float[][] X, string[] Y) Iris => IrisRows.Value;

    /// <summary>Iris as a binary task: "is it setosa?", the 4 measurements as features, weight 1. 150 rows.</summary>
    public static IDataView IrisBinary(MLContext ml)
    {
        var (x, y) = Iris;
        var rows = Enumerable.Range(0, x.Length).Select(i => new BinaryRow { Features = x[i], Label = y[i] == "setosa", Weight = 1 }).ToArray();
        return ml.Data.LoadFromEnumerable(rows, Definition<BinaryRow>(4));
    }

    /// <summary>German credit, the 7 numeric attributes standardised; label true = bad credit (class 2). 1,000 rows.</summary>
    public static (float[][] X, bool[] Y) Credit => CreditRows.Value;

    /// <summary>Diabetes: 442 rows, 10 standardised features, standardised target.</summary>
    public static (float[][] X, float[] Y) Diabetes => DiabetesRows.Value;

    public static SchemaDefinition Definition<T>(int features)
    {
        var definition = SchemaDefinition.Create(typeof(T));
        definition["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, features);
        return definition;
    }

    public static IDataView CreditView(MLContext ml, int? take = null, Func<int, float>? weight = null)
    {
        var (x, y) = Credit;
        var rows = Enumerable.Range(0, take ?? x.Length).Select(i => new BinaryRow { Features = x[i], Label = y[i], Weight = weight?.Invoke(i) ?? 1 }).ToArray();
        return ml.Data.LoadFromEnumerable(rows, Definition<BinaryRow>(x[0].Length));
    }

    /// <summary>Iris with Label a key (MapValueToKey over the class names, in order of appearance).</summary>
    public static IDataView IrisView(MLContext ml, IEnumerable<int>? rows = null, Func<int, float>? weight = null)
    {
        var (x, y) = Iris;
        var data = (rows ?? Enumerable.Range(0, x.Length)).Select(i => new ClassRow { Features = x[i], Class = y[i], Weight = weight?.Invoke(i) ?? 1 }).ToArray();
        var raw = ml.Data.LoadFromEnumerable(data, Definition<ClassRow>(4));
        var keys = ml.Data.LoadFromEnumerable(IrisClasses.Select(c => new KeyRow { Class = c }));
        return ml.Transforms.Conversion.MapValueToKey("Label", "Class", keyData: keys).Fit(raw).Transform(raw);
    }

    public static IDataView DiabetesView(MLContext ml, IEnumerable<int>? rows = null, Func<int, float>? weight = null)
    {
        var (x, y) = Diabetes;
        var data = (rows ?? Enumerable.Range(0, x.Length)).Select(i => new ValueRow { Features = x[i], Label = y[i], Weight = weight?.Invoke(i) ?? 1 }).ToArray();
        return ml.Data.LoadFromEnumerable(data, Definition<ValueRow>(10));
    }

    public static FeatureRow[] FeatureRows(float[][] x, int count) => x.Take(count).Select(f => new FeatureRow { Features = f }).ToArray();

    private static (float[][], string[]) LoadIris()
    {
        var lines = File.ReadAllLines(Path.Combine(DataDirectory, "sklearn", "iris.csv"));
        var header = lines[0].Split(',');
        var names = header[2..];
        var rows = lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
        var x = Standardise(rows.Select(r => r[..4].Select(Number).ToArray()).ToArray());
        return (x, rows.Select(r => names[int.Parse(r[4], CultureInfo.InvariantCulture)]).ToArray());
    }

    private static (float[][], bool[]) LoadCredit()
    {
        int[] numeric = [1, 4, 7, 10, 12, 15, 17];
        var rows = ReadGz(Path.Combine(DataDirectory, "german-credit", "german.data.gz")).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var x = Standardise(rows.Select(r => numeric.Select(i => Number(r[i])).ToArray()).ToArray());
        return (x, rows.Select(r => r[20] == "2").ToArray());
    }

    private static (float[][], float[]) LoadDiabetes()
    {
        var x = ReadGz(Path.Combine(DataDirectory, "sklearn", "diabetes_data_raw.csv.gz"))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Number).ToArray()).ToArray();
        var y = ReadGz(Path.Combine(DataDirectory, "sklearn", "diabetes_target.csv.gz")).Select(Number).ToArray();
        var mean = y.Average();
        var sd = Math.Sqrt(y.Select(v => (v - mean) * (v - mean)).Average());
        return (Standardise(x), y.Select(v => (float)((v - mean) / sd)).ToArray());
    }

    private static float[][] Standardise(float[][] x)
    {
        var n = x[0].Length;
        var result = x.Select(r => new float[n]).ToArray();
        for (var j = 0; j < n; j++)
        {
            var mean = x.Average(r => (double)r[j]);
            var sd = Math.Sqrt(x.Average(r => (r[j] - mean) * (r[j] - mean)));
            for (var i = 0; i < x.Length; i++)
                result[i][j] = (float)((x[i][j] - mean) / sd);
        }
        return result;
    }

    private static IEnumerable<string> ReadGz(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            if (line.Trim().Length > 0)
                yield return line;
        }
    }

    private static float Number(string s) => float.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "data", "sklearn", "iris.csv")))
                return Path.Combine(dir.FullName, "data");
        }
        throw new DirectoryNotFoundException($"TestData: no data/sklearn/iris.csv above {AppContext.BaseDirectory}.");
    }
}
