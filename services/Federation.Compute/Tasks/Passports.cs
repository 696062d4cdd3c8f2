using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Federation.Compute.Tasks;

/// <summary>
/// Fetches the caller's GA4GH Passport from the access role with the caller's own token, and picks the visa for
/// each dataset. Compute does not verify the visas: the nodes do, before they touch data. No visa (no access
/// scope in the token, the access role unreachable) means the nodes refuse, with that reason.
/// </summary>
public sealed class Passports(HttpClient http, ILogger<Passports> log)
{
    public sealed record PassportBody(IReadOnlyList<string>? ga4gh_passport_v1);

    public async Task<IReadOnlyDictionary<string, string>> VisasFor(string? bearer, IReadOnlyCollection<string> datasets, CancellationToken cancellationToken)
    {
        if (bearer is null || datasets.Count == 0)
            return new Dictionary<string, string>();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/entitlements/passport");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                log.LogInformation("No passport for the task's owner: the access role answered {Status}", (int)response.StatusCode);
                return new Dictionary<string, string>();
            }
            var passport = await response.Content.ReadFromJsonAsync<PassportBody>(cancellationToken);
            var visas = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var visa in passport?.ga4gh_passport_v1 ?? [])
                if (new JsonWebToken(visa).TryGetPayloadValue<JsonElement>("ga4gh_visa_v1", out var claim)
                    && claim.GetProperty("value").GetString() is { } value && value.StartsWith(DatasetPrefix, StringComparison.Ordinal))
                    visas[Uri.UnescapeDataString(value[DatasetPrefix.Length..])] = visa;
            return visas;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException or ArgumentException)
        {
            log.LogWarning("The passport could not be fetched: {Error}", ex.Message);
            return new Dictionary<string, string>();
        }
    }

    private const string DatasetPrefix = "urn:federation:dataset:";
}
