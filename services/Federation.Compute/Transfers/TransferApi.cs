using System.Text.RegularExpressions;
using Federation.Compute.Data;
using Federation.ServiceDefaults.Http;
using Federation.ServiceDefaults.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace Federation.Compute.Transfers;

/// <summary>
/// The central node's receiving end of a dataset transfer: <c>PUT /api/transfers/{id}/files/{name}</c> with the
/// transfer's capability in <c>X-Transfer-Token</c>, as a node's agent uploads each image (dialling out). No user
/// token: the capability is the authorisation, good for one open transfer, like a presigned URL. A wrong id or token
/// answers 404 alike; a closed transfer 409. A file written twice (a retried upload) is replaced, not doubled.
/// </summary>
public static partial class TransferApi
{
    private const long MaxFileBytes = 1L << 30;

    public static IEndpointRouteBuilder MapTransferApi(this IEndpointRouteBuilder app)
    {
        app.MapPut("/api/transfers/{id}/files/{name}", Upload).WithTags("Transfers").WithName("UploadTransferFile")
            .WithSummary("A node uploads one file of a dataset the router moved to the central node (capability in X-Transfer-Token)")
            .AllowAnonymous();
        return app;
    }

    private static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> Upload(
        string id, string name, HttpContext http, ComputeDbContext db, GroupCommit<ComputeDbContext> store, TransferStore files)
    {
        var transfer = await db.Transfers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, http.RequestAborted);
        if (transfer is null || !TransferStore.Matches(http.Request.Headers[Contracts.Compute.TransferDataset.TokenHeader].ToString(), transfer.TokenHash))
            return TypedResults.Problem(statusCode: 404, type: ProblemTypes.NotFound, title: "No such transfer", detail: "There is no open transfer with this id and token.");
        if (!transfer.Open)
            return TypedResults.Problem(statusCode: 409, type: ProblemTypes.Conflict, title: "Transfer closed", detail: "This transfer takes no more files.");
        if (!FileName().IsMatch(name))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["1 to 200 letters, digits, '.', '-' or '_', not starting with '.'."] },
                type: ProblemTypes.Validation);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxFileBytes; // images are larger than API bodies

        var directory = files.DirectoryOf(id);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        var partial = path + ".partial";
        long size;
        await using (var file = File.Create(partial))
        {
            await http.Request.Body.CopyToAsync(file, http.RequestAborted);
            size = file.Length;
        }
        var replaced = File.Exists(path) ? new FileInfo(path).Length : (long?)null;
        File.Move(partial, path, overwrite: true);
        await store.Write<object?>(async (db, ct) =>
        {
            var row = await db.Transfers.FindAsync([id], ct);
            if (row is not null)
                (row.Files, row.Bytes) = (row.Files + (replaced is null ? 1 : 0), row.Bytes + size - (replaced ?? 0));
            return null;
        });
        return TypedResults.NoContent();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex FileName();
}
