using System.Text.Json;

namespace DeepML.Serving;

/// <summary>
/// Reads a prediction request's JSON into <see cref="RequestRows"/>: a JSON object is one row, an
/// array of objects is several; each object's properties are the input columns. Every problem is
/// collected (up to <see cref="RequestErrors.MaxListed"/>) with the messages of <see cref="RequestErrors"/>.
/// Property names are matched exactly (case-sensitive), as ML.NET column names are.
/// </summary>
public static class RequestParser
{
    /// <summary>Parses <paramref name="body"/>; returns the rows, or null and the errors.</summary>
    /// <param name="body">The request body, UTF-8 JSON.</param>
    /// <param name="schema">The model's request columns.</param>
    /// <param name="maxRows">The most rows accepted.</param>
    /// <param name="errors">The problems found, in order; empty when the rows are returned.</param>
    public static RequestRows? TryParse(ReadOnlyMemory<byte> body, RequestSchema schema, int maxRows, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(schema);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            errors = [RequestErrors.Format(RequestErrors.NotJson, e.Message)];
            return null;
        }
        using (document)
            return TryParse(document.RootElement, schema, maxRows, out errors);
    }

    /// <summary>Parses an already-read JSON value; see <see cref="TryParse(ReadOnlyMemory{byte}, RequestSchema, int, out IReadOnlyList{string})"/>.</summary>
    public static RequestRows? TryParse(JsonElement root, RequestSchema schema, int maxRows, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var found = new List<string>();
        errors = found;
        var items = root.ValueKind switch
        {
            JsonValueKind.Object => [root],
            JsonValueKind.Array => root.EnumerateArray().ToList(),
            _ => null,
        };
        if (items is null)
        {
            found.Add(RequestErrors.Format(RequestErrors.WrongShape, Kind(root)));
            return null;
        }
        if (items.Count == 0)
            found.Add(RequestErrors.NoRows);
        else if (items.Count > maxRows)
            found.Add(RequestErrors.Format(RequestErrors.TooManyRows, items.Count, maxRows));
        if (found.Count > 0)
            return null;

        var rows = new List<object[]>(items.Count);
        for (var r = 0; r < items.Count && found.Count < RequestErrors.MaxListed; r++)
        {
            if (ReadRow(items[r], r, schema, found) is { } row)
                rows.Add(row);
        }
        if (found.Count > RequestErrors.MaxListed)
            found.RemoveRange(RequestErrors.MaxListed, found.Count - RequestErrors.MaxListed);
        return found.Count == 0 ? new RequestRows(schema, rows) : null;
    }

    private static object[]? ReadRow(JsonElement item, int r, RequestSchema schema, List<string> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(RequestErrors.Format(RequestErrors.RowNotObject, r, Kind(item)));
            return null;
        }
        var before = errors.Count;
        var values = new object?[schema.Columns.Count]; // each set or an error added
        foreach (var property in item.EnumerateObject())
        {
            var i = schema.IndexOf(property.Name);
            if (i < 0 && !schema.Ignored.Contains(property.Name))
                errors.Add(RequestErrors.Format(RequestErrors.UnknownColumn, r, property.Name, schema.Describe()));
            else if (i >= 0)
                values[i] = Read(property.Value, r, schema.Columns[i], errors);
        }
        var missing = schema.Columns.Where((c, i) => values[i] is null && !item.TryGetProperty(c.Name, out _)).Select(c => c.Name).ToList();
        if (missing.Count == 1)
            errors.Add(RequestErrors.Format(RequestErrors.MissingColumn, r, missing[0], schema.Describe()));
        else if (missing.Count > 1)
            errors.Add(RequestErrors.Format(RequestErrors.MissingColumns, r, string.Join(", ", missing.Select(m => $"'{m}'")), schema.Describe()));
        return errors.Count == before ? values.Select(v => v!).ToArray() : null;
    }

    private static object? Read(JsonElement value, int r, InputColumn column, List<string> errors)
    {
        if (column.VectorSize == 0)
            return Item(value, r, column, errors);
        if (value.ValueKind != JsonValueKind.Array)
        {
            errors.Add(RequestErrors.Format(RequestErrors.WrongType, r, column.Name, column.TypeName, $"array of {column.VectorSize} {column.JsonItem} values", Kind(value)));
            return null;
        }
        var length = value.GetArrayLength();
        if (length != column.VectorSize)
        {
            errors.Add(RequestErrors.Format(RequestErrors.WrongLength, r, column.Name, column.VectorSize, column.TypeName, length));
            return null;
        }
        var items = new object?[length];
        var j = 0;
        foreach (var element in value.EnumerateArray())
            items[j++] = Item(element, r, column, errors);
        if (items.Any(v => v is null))
            return null;
        return column.Kind switch
        {
            InputKind.Single => items.Select(v => (float)v!).ToArray(),
            InputKind.Double => items.Select(v => (double)v!).ToArray(),
            InputKind.Int32 => items.Select(v => (int)v!).ToArray(),
            InputKind.Int64 => items.Select(v => (long)v!).ToArray(),
            InputKind.Boolean => items.Select(v => (bool)v!).ToArray(),
            _ => (object)items.Select(v => (ReadOnlyMemory<char>)v!).ToArray(),
        };
    }

    private static object? Item(JsonElement value, int r, InputColumn column, List<string> errors)
    {
        var expected = column.Kind switch
        {
            InputKind.Single or InputKind.Double or InputKind.Int32 or InputKind.Int64 => JsonValueKind.Number,
            InputKind.String => JsonValueKind.String,
            _ => JsonValueKind.True,
        };
        var ok = expected == JsonValueKind.True ? value.ValueKind is JsonValueKind.True or JsonValueKind.False : value.ValueKind == expected;
        if (!ok)
        {
            errors.Add(RequestErrors.Format(RequestErrors.WrongType, r, column.Name, column.VectorSize == 0 ? column.TypeName : $"{column.Kind} items", column.JsonItem, Kind(value)));
            return null;
        }
        object? parsed = column.Kind switch
        {
            InputKind.Single => value.TryGetSingle(out var f) && float.IsFinite(f) ? f : null,
            InputKind.Double => value.TryGetDouble(out var d) && double.IsFinite(d) ? d : null,
            InputKind.Int32 => value.TryGetInt32(out var i) ? i : null,
            InputKind.Int64 => value.TryGetInt64(out var l) ? l : null,
            InputKind.Boolean => value.GetBoolean(),
            _ => value.GetString().AsMemory(),
        };
        if (parsed is null)
            errors.Add(RequestErrors.Format(RequestErrors.OutOfRange, r, column.Name, value.GetRawText(), column.Kind));
        return parsed;
    }

    /// <summary>The JSON kind as a message names it: object, array, string, number, boolean, null.</summary>
    internal static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        var k => k.ToString().ToLowerInvariant(),
    };
}
