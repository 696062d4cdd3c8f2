using System.Security.Cryptography;

namespace Federation.ServiceDefaults.Integrity;

/// <summary>
/// The Merkle root a checkpoint seals (the audit role's README, "Merkle root"; node agents' local chains use the same):
/// the leaves are the entries' hashes (32 bytes each) in sequence order; each level pairs neighbours left to right, a pair becomes SHA-256(0x01 ‖ left ‖ right), and
/// an odd node left at the end of a level is promoted unchanged. The root of one leaf is that leaf. The 0x01
/// prefix keeps inner nodes apart from entry hashes, whose preimages start with a length prefix (0x00).
/// </summary>
public static class MerkleTree
{
    public static string Root(IReadOnlyList<string> leafHashes)
    {
        if (leafHashes.Count == 0)
            throw new ArgumentException("A Merkle root needs at least one leaf.", nameof(leafHashes));
        var level = leafHashes.Select(Leaf).ToList();
        var pair = new byte[65];
        pair[0] = 0x01;
        while (level.Count > 1)
        {
            var next = new List<byte[]>((level.Count + 1) / 2);
            for (var i = 0; i + 1 < level.Count; i += 2)
            {
                level[i].CopyTo(pair, 1);
                level[i + 1].CopyTo(pair, 33);
                next.Add(SHA256.HashData(pair));
            }
            if (level.Count % 2 == 1)
                next.Add(level[^1]);
            level = next;
        }
        return Convert.ToHexStringLower(level[0]);
    }

    private static byte[] Leaf(string hex)
    {
        var bytes = hex.Length == 64 ? Convert.FromHexString(hex) : [];
        return bytes.Length == 32 ? bytes : throw new FormatException($"'{hex}' is not a SHA-256 hash in hex.");
    }
}
