using System.Security.Cryptography;
using System.Text;
using Federation.ServiceDefaults.Hosting;
using Microsoft.Extensions.Options;

namespace Federation.Compute.Transfers;

/// <summary>
/// Where moved datasets live at the central node while their task needs them (<c>&lt;DataDirectory&gt;/transfers/&lt;id&gt;</c>),
/// and the capabilities nodes upload with: a random token per transfer, of which only the hash is stored.
/// </summary>
public sealed class TransferStore(IOptions<FederationOptions> federation)
{
    public string DirectoryOf(string transferId) => Path.Combine(Path.GetFullPath(federation.Value.DataDirectory), "transfers", transferId);

    public static (string Token, string Hash) NewToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, Hash(token));
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static bool Matches(string? token, string hash) =>
        token is { Length: > 0 and <= 200 } && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(hash));

    /// <summary>The data moved for a task is deleted once the task no longer needs it: the central node keeps no copy.</summary>
    public void Delete(IEnumerable<string> transferIds)
    {
        foreach (var id in transferIds)
            if (Directory.Exists(DirectoryOf(id)))
                Directory.Delete(DirectoryOf(id), recursive: true);
    }
}
