using System.Buffers;
using System.Text.Json;

namespace DeepML.Serving;

/// <summary>
/// The body of a 200 from <c>/predict</c>: <c>{"modelVersion": "3-1a2b3c4d5e6f", "predictions": [{"Score": 1.25, "Probability": 0.78, "PredictedLabel": true}]}</c>.
/// One prediction per request row, in request order; every prediction comes from <see cref="ModelVersion"/>.
/// Floats are written in their shortest round-trip form (parsing them back gives the same bits); a
/// non-finite value is written as <c>null</c>.
/// </summary>
public sealed class PredictionResponse
{
    /// <summary>The version tag of the model that scored every row (<see cref="DeepML.Serving.ModelVersion.Tag"/>).</summary>
    public required string ModelVersion { get; init; }

    /// <summary>Per row, the output columns by name.</summary>
    public required IReadOnlyList<IReadOnlyDictionary<string, object?>> Predictions { get; init; }

    /// <summary>Writes a scored request as UTF-8 JSON.</summary>
    internal static byte[] Write(ScoredRequest scored)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + 64 * scored.Rows.Count);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("modelVersion", scored.Version.Tag);
            json.WriteStartArray("predictions");
            foreach (var row in scored.Rows)
            {
                json.WriteStartObject();
                for (var i = 0; i < scored.OutputNames.Count; i++)
                {
                    json.WritePropertyName(scored.OutputNames[i]);
                    Value(json, row[i]);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static void Value(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int i:
                json.WriteNumberValue(i);
                break;
            case uint u:
                json.WriteNumberValue(u);
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case float[] vector:
                json.WriteStartArray();
                foreach (var f in vector)
                    Value(json, f);
                json.WriteEndArray();
                break;
            default:
                json.WriteNullValue();
                break;
        }
    }
}
