using MassTransit;

namespace Federation.ServiceDefaults.Messaging;

/// <summary>
/// Who sent a message, as the broker vouches for it. Every process stamps its broker user name on what it sends
/// (AMQP <c>user_id</c>); RabbitMQ refuses a message whose <c>user_id</c> differs from the connection's user, so
/// a receiver can trust it: a node cannot speak for another node. The in-memory bus (one process) has no users.
/// </summary>
public static class BrokerUser
{
    /// <summary>Stamps <paramref name="userName"/> on every message sent or published through RabbitMQ.</summary>
    internal static void StampOutgoing(IRabbitMqBusFactoryConfigurator cfg, string userName)
    {
        cfg.ConfigureSend(send => send.UseExecute(context => Stamp(context, userName)));
        cfg.ConfigurePublish(publish => publish.UseExecute(context => Stamp(context, userName)));
    }

    private static void Stamp(SendContext context, string userName)
    {
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            rabbit.BasicProperties.UserId = userName;
    }

    /// <summary>
    /// The broker user that sent the message when it came through RabbitMQ (null if it carried none);
    /// <see cref="Sender.InProcess"/> when it came through the in-memory bus.
    /// </summary>
    public static Sender Of(ConsumeContext context) =>
        context.ReceiveContext.TryGetPayload<RabbitMqBasicConsumeContext>(out var rabbit)
            ? new Sender(false, rabbit.Properties.UserId)
            : Sender.InProcess;

    /// <param name="InProcessBus">True on the in-memory bus: sender and receiver share one process and its trust.</param>
    /// <param name="UserName">The broker-validated user, when the message came through RabbitMQ and carried one.</param>
    public sealed record Sender(bool InProcessBus, string? UserName)
    {
        public static readonly Sender InProcess = new(true, null);

        /// <summary>
        /// Whether the sender may speak for <paramref name="node"/>: in process always; on RabbitMQ when the broker
        /// vouches for that node's own user, or for a central (non-node) user, which the platform runs itself.
        /// A node's user can speak only for its node, and a message without a user speaks for none.
        /// </summary>
        public bool MaySpeakFor(string node) =>
            InProcessBus || UserName == NodeBrokerAccess.UserOf(node) || (UserName is not null && !NodeBrokerAccess.IsNodeUser(UserName));
    }
}
