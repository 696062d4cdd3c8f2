using System.Text;

namespace Federation.ServiceDefaults.Messaging;

/// <summary>
/// One queue per consumer, named <c>&lt;service&gt;-&lt;consumer&gt;</c> in kebab case, so that two
/// services never compete for one queue (MassTransit issue #2030).
/// </summary>
public static class EndpointNames
{
    public static string For(string service, string consumer) => $"{service}-{Kebab(consumer)}";

    /// <summary>"AccessRequestSubmittedConsumer" → "access-request-submitted"; generic arity is dropped.</summary>
    public static string Describe(Type consumerType)
    {
        var name = consumerType.Name;
        var tick = name.IndexOf('`');
        if (tick >= 0)
            name = name[..tick];
        if (name.EndsWith("Consumer", StringComparison.Ordinal) && name.Length > "Consumer".Length)
            name = name[..^"Consumer".Length];
        return Kebab(name);
    }

    public static string Kebab(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '-' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                    text.Append('-');
                text.Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }
        return text.ToString();
    }
}
