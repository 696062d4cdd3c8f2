using System.Net;
using System.Net.Sockets;

namespace Federation.Testing;

public static class FreePort
{
    /// <summary>Where RabbitMQ's distribution port lies from its AMQP port: <c>DIST_OFFSET</c> in scripts/rabbitmq.sh.</summary>
    public const int RabbitMqDistributionOffset = -10000;

    /// <summary>A loopback port free right now (for a service the test starts later on purpose).</summary>
    public static int Pick()
    {
        // RabbitMQ also binds PORT + RabbitMqDistributionOffset for its distribution protocol: both free, and both below
        // the kernel's ephemeral range (32768…), where outgoing connections can take a port at any moment.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = Random.Shared.Next(15000, 32000);
            if (IsFree(port) && IsFree(port + RabbitMqDistributionOffset))
                return port;
        }
        throw new InvalidOperationException("No free loopback port pair found");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
