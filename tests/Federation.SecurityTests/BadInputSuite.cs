using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace Federation.SecurityTests;

/// <summary>
/// Property-based: every write route with a JSON body, called by a caller it accepts, gets random and
/// boundary payloads that are wrong by construction (unknown fields, wrong types, deep nesting, huge
/// strings, oversized bodies, non-object roots, not JSON, wrong media type) and must answer 4xx
/// ProblemDetails, never 5xx, and write nothing. Routes with a path parameter also get malformed ids.
/// </summary>
public sealed class BadInputSuite(SecuredFederation federation, ITestOutputHelper output) : IClassFixture<SecuredFederation>
{
    private const int CasesPerRoute = 150;

    /// <summary>One bad request: what is wrong with it, its body and its media type.</summary>
    public sealed record Payload(string Defect, string Body, string MediaType = "application/json")
    {
        public override string ToString() => $"{Defect}: {(Body.Length > 120 ? Body[..120] + "…" : Body)}";
    }

    [Fact]
    public async Task Every_write_route_answers_random_bad_bodies_with_4xx_problem_and_writes_nothing()
    {
        var routes = federation.Routes.All.Where(r => r.IsWrite && r.BodySchema is not null).ToList();
        Assert.NotEmpty(routes);
        var before = await federation.Fingerprint();
        foreach (var route in routes)
        {
            var caller = await federation.As(route.AcceptedRole);
            var defects = new Dictionary<string, int>();
            await Payloads(federation.Routes.Document, route.BodySchema!).SampleAsync(async payload =>
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.PathWith(Guid.NewGuid().ToString()))
                {
                    Content = new StringContent(payload.Body, Encoding.UTF8, payload.MediaType),
                };
                request.Headers.Authorization = caller.DefaultRequestHeaders.Authorization;
                using var response = await federation.Federation.Client.SendAsync(request);
                lock (defects)
                    defects[payload.Defect] = defects.GetValueOrDefault(payload.Defect) + 1;
                var status = (int)response.StatusCode;
                Assert.True(status is >= 400 and < 500, $"{route} [{payload}] answered {status}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }, iter: CasesPerRoute, threads: 1);
            SecuredFederation.Report(output, $"[bad-input] {route}: {defects.Values.Sum()} cases ({string.Join(", ", defects.OrderBy(d => d.Key).Select(d => $"{d.Key} {d.Value}"))})");
        }
        Assert.Equal(before, await federation.Fingerprint());
    }

    [Fact]
    public async Task Malformed_path_ids_are_refused_with_4xx_problem()
    {
        var routes = federation.Routes.All.Where(r => r.HasPathParameters).ToList();
        var before = await federation.Fingerprint();
        foreach (var route in routes)
        {
            var caller = await federation.As(route.AcceptedRole);
            var tried = 0;
            var badIds = Gen.OneOf(
                Gen.String[Gen.Char['!', '~'], 1, 60].Select(s => Uri.EscapeDataString(s)),
                Gen.Const("00000000-0000-0000-0000-00000000000g"),
                Gen.Const(new string('9', 5000)),
                Gen.Const("%00"),
                Gen.Const("..%2F..%2Fetc%2Fpasswd"));
            await badIds.Where(id => !Guid.TryParse(Uri.UnescapeDataString(id), out _)).SampleAsync(async id =>
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.PathWith(id));
                request.Headers.Authorization = caller.DefaultRequestHeaders.Authorization;
                using var response = await federation.Federation.Client.SendAsync(request);
                Interlocked.Increment(ref tried);
                Assert.True((int)response.StatusCode is >= 400 and < 500, $"{route} with id '{id}' answered {(int)response.StatusCode}");
            }, iter: 50, threads: 1);
            SecuredFederation.Report(output, $"[bad-input] {route}: {tried} malformed ids");
        }
        Assert.Equal(before, await federation.Fingerprint());
    }

    /// <summary>Payloads that no correct endpoint may accept, shaped after the route's schema so they reach its validation.</summary>
    private static Gen<Payload> Payloads(JsonObject document, JsonObject schema)
    {
        var properties = Properties(document, schema);
        var names = properties.Keys.ToArray();
        var wellShaped = Gen.Const(0).Select(_ => WellShaped(properties));
        return Gen.OneOf(
            // An unknown field beside well-shaped ones (strict JSON refuses it).
            Gen.Select(wellShaped, Gen.String[Gen.Char['a', 'z'], 1, 12], Json(2), (o, name, value) =>
            {
                o["x_" + name] = value;
                return new Payload("unknown field", o.ToJsonString());
            }),
            // A field of the wrong JSON type.
            Gen.Select(wellShaped, Gen.Int[0, Math.Max(0, names.Length - 1)], Json(2), (o, i, value) =>
            {
                var name = names[i];
                o[name] = WrongTypeFor(properties[name], value);
                return new Payload("wrong type", o.ToJsonString());
            }),
            // Nesting deeper than the 32 levels the JSON reader allows.
            Gen.Select(wellShaped, Gen.Int[33, 400], Gen.Int[0, Math.Max(0, names.Length - 1)], (o, depth, i) =>
                new Payload("deep nesting", o.ToJsonString().TrimEnd('}') + $",\"{names[i]}_deep\":" + new string('[', depth) + new string(']', depth) + "}")),
            // A string far beyond any field's limit (every text field is bounded).
            Gen.Select(wellShaped, Gen.Int[5_000, 200_000], Gen.Int[0, Math.Max(0, names.Length - 1)], (o, length, i) =>
            {
                var name = names.Where(n => IsString(properties[n])).ElementAtOrDefault(i % Math.Max(1, names.Count(n => IsString(properties[n])))) ?? names[i];
                o[name] = IsString(properties[name]) ? new string('x', length) : JsonValue.Create(new string('x', length));
                return new Payload("huge string", o.ToJsonString());
            }),
            // A body over the 256 KiB limit.
            Gen.Int[262_145, 600_000].Select(n => new Payload("oversized body", "{\"x\":\"" + new string('y', n) + "\"}")),
            // A JSON value that is not an object.
            Json(3).Where(v => v is not JsonObject).Select(v => new Payload("non-object root", v?.ToJsonString() ?? "null")),
            // Not JSON at all, or cut short.
            Gen.String[Gen.Char[' ', '~'], 0, 200].Where(s => !LooksLikeJson(s)).Select(s => new Payload("not JSON", s)),
            wellShaped.Select(o => o.ToJsonString()).Select(json => new Payload("truncated JSON", json[..(json.Length / 2)])),
            // The right shape under the wrong media type.
            wellShaped.Select(o => new Payload("wrong media type", o.ToJsonString(), "text/plain")));
    }

    private static Dictionary<string, JsonObject> Properties(JsonObject document, JsonObject schema) =>
        schema["properties"]!.AsObject().ToDictionary(p => p.Key, p => RouteCatalogue.Resolve(document, p.Value!.AsObject()));

    /// <summary>Plausible values of the right types (themselves maybe invalid, which the other defects make certain).</summary>
    private static JsonObject WellShaped(Dictionary<string, JsonObject> properties)
    {
        var o = new JsonObject();
        foreach (var (name, schema) in properties)
            o[name] = Types(schema).Contains("array") ? new JsonArray("x-1") : Types(schema).Contains("integer") ? 1 : "x-1";
        return o;
    }

    private static JsonNode? WrongTypeFor(JsonObject schema, JsonNode? random) =>
        Types(schema).Contains("string")
            ? random is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? new JsonObject { ["s"] = random.ToJsonString() } : random ?? 42
            : Types(schema).Contains("array") ? "not-an-array" : new JsonArray(1, 2);

    private static bool IsString(JsonObject schema) => Types(schema).Contains("string");

    private static IReadOnlyList<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };

    private static bool LooksLikeJson(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>Random JSON values: scalars, strings with any characters, arrays and objects up to <paramref name="depth"/>.</summary>
    private static Gen<JsonNode?> Json(int depth)
    {
        var scalar = Gen.OneOf(
            Gen.Long.Select(l => (JsonNode?)JsonValue.Create(l)),
            Gen.Bool.Select(b => (JsonNode?)JsonValue.Create(b)),
            Gen.String.Select(s => (JsonNode?)JsonValue.Create(s)),
            Gen.Const((JsonNode?)null));
        if (depth <= 0)
            return scalar;
        var inner = Json(depth - 1);
        return Gen.Frequency(
            (4, scalar),
            (1, inner.Array[0, 4].Select(items => (JsonNode?)new JsonArray(items.Select(i => i?.DeepClone()).ToArray()))),
            (1, Gen.Select(Gen.String[Gen.Char['a', 'z'], 1, 8].Array[0, 4], inner.Array[4], (keys, values) =>
            {
                var o = new JsonObject();
                for (var i = 0; i < keys.Length; i++)
                    o["k_" + keys[i]] = values[i]?.DeepClone();
                return (JsonNode?)o;
            })));
    }
}
