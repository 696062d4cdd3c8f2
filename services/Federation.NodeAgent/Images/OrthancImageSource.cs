using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Federation.NodeAgent.Images;

/// <summary>Orthanc's REST API (1.10+): <c>/changes</c>, <c>/instances</c>, <c>/instances/{id}/simplified-tags</c>, <c>/instances/{id}/numpy</c>.</summary>
public sealed class OrthancImageSource(HttpClient http) : IImageSource, IImageContent
{
    private const int PageSize = 500;

    public async Task<ChangePage> ChangesSince(long since, CancellationToken cancellationToken)
    {
        var page = (await http.GetFromJsonAsync<JsonObject>($"/changes?since={since}&limit={PageSize}", cancellationToken))!;
        var changes = page["Changes"]!.AsArray().Select(c => new ImageChange(
            c!["Seq"]!.GetValue<long>(), c["ChangeType"]!.GetValue<string>(), c["ResourceType"]!.GetValue<string>(), c["ID"]!.GetValue<string>())).ToList();
        return new ChangePage(changes, page["Last"]!.GetValue<long>(), page["Done"]!.GetValue<bool>());
    }

    public async Task<ImageRecord?> Describe(string instanceId, CancellationToken cancellationToken)
    {
        using var tagsResponse = await http.GetAsync($"/instances/{instanceId}/simplified-tags", cancellationToken);
        using var instanceResponse = await http.GetAsync($"/instances/{instanceId}", cancellationToken);
        if (tagsResponse.StatusCode == HttpStatusCode.NotFound || instanceResponse.StatusCode == HttpStatusCode.NotFound)
            return null;
        tagsResponse.EnsureSuccessStatusCode();
        instanceResponse.EnsureSuccessStatusCode();
        var tags = (await tagsResponse.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!;
        var instance = (await instanceResponse.Content.ReadFromJsonAsync<JsonObject>(cancellationToken))!;
        string Tag(string name) => tags[name]?.GetValue<string>()?.Trim() ?? "";
        return new ImageRecord(
            instanceId,
            Tag("ClinicalTrialProtocolID") is { Length: > 0 } collection ? collection : null,
            Tag("PatientID"),
            Tag("StudyInstanceUID"),
            Tag("SeriesInstanceUID"),
            Tag("Modality").ToUpperInvariant(),
            Tag("BodyPartExamined").ToUpperInvariant(),
            Tag("PatientSex") is "M" or "F" ? Tag("PatientSex") : "O",
            Year(Tag("PatientBirthDate")),
            Year(Tag("StudyDate")),
            instance["FileSize"]?.GetValue<long>() ?? 0);
    }

    // Orthanc lists resources in its own insertion order; since is an offset into that list, so an image deleted
    // meanwhile before the offset shifts the rest by one (the reconciler's next count check repairs what that skips).
    public async Task<InstanceIdPage> InstanceIds(long from, int limit, CancellationToken cancellationToken)
    {
        var ids = (await http.GetFromJsonAsync<List<string>>($"/instances?since={from}&limit={limit}", cancellationToken))!;
        return new InstanceIdPage(ids, from + ids.Count, ids.Count < limit);
    }

    public async Task<long> InstanceCount(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<JsonObject>("/statistics", cancellationToken))!["CountInstances"]!.GetValue<long>();

    public async Task<ImagePixels?> Pixels(string instanceId, CancellationToken cancellationToken)
    {
        var tags = await SimplifiedTags(instanceId, cancellationToken);
        using var response = await http.GetAsync($"/instances/{Uri.EscapeDataString(instanceId)}/numpy", cancellationToken);
        if (tags is null || response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        var bits = int.TryParse(tags["BitsStored"]?.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var stored) && stored is > 0 and <= 32 ? stored : 8;
        return new ImagePixels(NumpyArray.Read(await response.Content.ReadAsByteArrayAsync(cancellationToken)), Math.Pow(2, bits) - 1);
    }

    public async Task<(byte[] Content, string Extension)?> File(string instanceId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/instances/{Uri.EscapeDataString(instanceId)}/file", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadAsByteArrayAsync(cancellationToken), ".dcm");
    }

    public async Task<string?> Tag(string instanceId, string keyword, CancellationToken cancellationToken) =>
        (await SimplifiedTags(instanceId, cancellationToken))?[keyword] is JsonValue value && value.TryGetValue<string>(out var text) ? text.Trim() : null;

    private async Task<JsonObject?> SimplifiedTags(string instanceId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/instances/{Uri.EscapeDataString(instanceId)}/simplified-tags", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
    }

    // DICOM dates are yyyyMMdd; only the year is kept (enough for age bands, less identifying).
    private static int? Year(string dicomDate) =>
        dicomDate.Length >= 4 && int.TryParse(dicomDate[..4], NumberStyles.None, CultureInfo.InvariantCulture, out var year) ? year : null;
}
