using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federation.AccessRequests.Visas;

public static class VisaServices
{
    public static void AddVisas(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<VisaSigner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<VisaSigner>());
    }
}
