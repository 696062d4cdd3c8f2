using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Federation.Testing;

/// <summary>One synthetic DICOM image as a hospital's PACS would hold it (see <see cref="OrthancServer.AddInstance"/>).</summary>
/// <param name="Sex">DICOM PatientSex: "M", "F" or "O".</param>
/// <param name="Collection">Stored as ClinicalTrialProtocolID: node agents group images into datasets by it.</param>
public sealed record SyntheticInstance(
    string PatientId,
    string StudyInstanceUid,
    string SeriesInstanceUid,
    string Modality,
    string BodyPart,
    string Sex,
    DateOnly BirthDate,
    DateOnly StudyDate,
    string? Collection = null,
    string? StudyDescription = null,
    GrayscaleImage? Image = null);

/// <summary>An 8-bit grayscale image, row by row (<paramref name="Pixels"/> holds width × height values).</summary>
public sealed record GrayscaleImage(int Width, int Height, byte[] Pixels);

/// <summary>
/// A private Orthanc 1.10.1 (one simulated hospital's PACS) on a free loopback port (scripts/orthanc.sh),
/// stoppable, killable and restartable with its stored instances. Filled through
/// <c>POST /tools/create-dicom</c>, so tests need no DICOM files.
/// </summary>
public sealed class OrthancServer : IAsyncDisposable
{
    // A cohort upload that was parallel without bound would only queue up behind Orthanc's index lock.
    private const int UploadParallelism = 4;

    // Orthanc's keys are PascalCase: PostAsJsonAsync's default (web, camelCase) would send "force" and "tags",
    // which create-dicom then reads as unknown DICOM tag names.
    private static readonly JsonSerializerOptions OrthancJson = new();

    private static readonly string PngDataUri = DataUri(Gradient(8, 8));

    private OrthancServer(IReadOnlyDictionary<string, string> values)
    {
        Apply(values);
        Client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Directory { get; private set; } = "";

    public int Port { get; private set; }

    /// <summary>http://127.0.0.1:PORT — unchanged by <see cref="Restart"/>.</summary>
    public Uri Url { get; private set; } = null!;

    /// <summary>Orthanc's REST API (no authentication), valid across restarts.</summary>
    public HttpClient Client { get; }

    /// <param name="name">Orthanc's "Name" (shown by GET /system), e.g. the hospital it plays.</param>
    public static async Task<OrthancServer> Start(string name) =>
        new(await InfraScript.Run("orthanc.sh", "start", "--name", name));

    /// <summary>Clean shutdown (SIGTERM) that keeps the stored instances, for a later <see cref="Restart"/>.</summary>
    public Task Stop() => InfraScript.Run("orthanc.sh", "stop", Directory, "--keep");

    /// <summary>SIGKILL, as a crashing PACS would die; the data stays for <see cref="Restart"/>.</summary>
    public Task Kill() => InfraScript.Run("orthanc.sh", "kill", Directory);

    /// <summary>Starts the stopped or killed Orthanc again: same dir, port, name and stored instances.</summary>
    public async Task Restart()
    {
        var before = Url;
        Apply(await InfraScript.Run("orthanc.sh", "start", "--dir", Directory));
        // Client's BaseAddress cannot follow a move; the script promises it never happens.
        if (Url != before)
            throw new InvalidOperationException($"Orthanc in {Directory} came back on {Url} instead of {before}");
    }

    /// <summary>Creates one instance (Orthanc assigns its SOPInstanceUID) and returns its Orthanc id.</summary>
    public async Task<string> AddInstance(SyntheticInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (instance.Sex is not ("M" or "F" or "O"))
            throw new ArgumentException($"PatientSex must be M, F or O, not '{instance.Sex}'", nameof(instance));
        var tags = new Dictionary<string, string>
        {
            ["PatientID"] = instance.PatientId,
            ["PatientSex"] = instance.Sex,
            ["PatientBirthDate"] = DicomDate(instance.BirthDate),
            ["StudyInstanceUID"] = instance.StudyInstanceUid,
            ["SeriesInstanceUID"] = instance.SeriesInstanceUid,
            ["StudyDate"] = DicomDate(instance.StudyDate),
            ["Modality"] = instance.Modality,
            ["BodyPartExamined"] = instance.BodyPart,
        };
        if (instance.Collection is not null)
            tags["ClinicalTrialProtocolID"] = instance.Collection;
        if (instance.StudyDescription is not null)
            tags["StudyDescription"] = instance.StudyDescription;
        // Without Force, Orthanc 1.10.1 refuses given Study/SeriesInstanceUIDs (400, "Trying to override a
        // value inherited from a parent module"): several instances could then never share a series.
        var request = new { Force = true, Tags = tags, Content = instance.Image is null ? PngDataUri : DataUri(instance.Image) };
        using var response = await Client.PostAsJsonAsync("tools/create-dicom", request, OrthancJson);
        using var answer = await ReadJson(response, "create-dicom");
        return answer.RootElement.GetProperty("ID").GetString()
            ?? throw new InvalidOperationException("create-dicom answered without an ID");
    }

    /// <summary>Creates the instances, at most four at a time; returns their Orthanc ids in input order.</summary>
    public async Task<IReadOnlyList<string>> AddCohort(IEnumerable<SyntheticInstance> instances)
    {
        var list = instances.ToList();
        var ids = new string[list.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, list.Count),
            new ParallelOptions { MaxDegreeOfParallelism = UploadParallelism },
            async (i, _) => ids[i] = await AddInstance(list[i]));
        return ids;
    }

    public async Task DeleteInstance(string orthancInstanceId)
    {
        using var response = await Client.DeleteAsync($"instances/{Uri.EscapeDataString(orthancInstanceId)}");
        await EnsureSuccess(response, $"delete instance {orthancInstanceId}");
    }

    /// <summary>Deletes the patient with this DICOM PatientID and everything below it.</summary>
    public async Task DeletePatient(string patientId)
    {
        // /tools/lookup matches exactly (no wildcards, unlike /tools/find), but across every identifier
        // level: a study UID equal to the value would also be listed, hence the Type filter.
        using var response = await Client.PostAsync("tools/lookup", new StringContent(patientId, Encoding.UTF8, "text/plain"));
        using var answer = await ReadJson(response, $"lookup {patientId}");
        var patients = answer.RootElement.EnumerateArray()
            .Where(match => match.GetProperty("Type").GetString() == "Patient")
            .Select(match => match.GetProperty("ID").GetString()!)
            .ToList();
        if (patients.Count == 0)
            throw new InvalidOperationException($"No patient with PatientID '{patientId}' in Orthanc {Url}");
        foreach (var id in patients)
        {
            using var deleted = await Client.DeleteAsync($"patients/{id}");
            await EnsureSuccess(deleted, $"delete patient {patientId}");
        }
    }

    /// <summary>
    /// The highest /changes sequence number so far. Only arrivals move it: Orthanc 1.10.1 records no change
    /// for a deletion (and drops the deleted resources' earlier changes).
    /// </summary>
    public async Task<long> LastChange()
    {
        using var response = await Client.GetAsync("changes?last");
        using var answer = await ReadJson(response, "changes?last");
        return answer.RootElement.GetProperty("Last").GetInt64();
    }

    /// <summary>
    /// A deterministic synthetic cohort: the same arguments give the same patients, sexes, dates and UIDs.
    /// PatientIDs are <paramref name="patientPrefix"/> + a four-digit number; UIDs are "2.25." UIDs
    /// derived from the prefix, collection, seed and position, so cohorts with other prefixes never collide.
    /// Each series yields <paramref name="instancesPerSeries"/> equal records (one image each).
    /// </summary>
    public static IEnumerable<SyntheticInstance> Cohort(
        string patientPrefix, int patients, int studiesPerPatient, int seriesPerStudy, int instancesPerSeries,
        string modality, string bodyPart, string collection, int seed)
    {
        ArgumentNullException.ThrowIfNull(patientPrefix);
        ArgumentOutOfRangeException.ThrowIfNegative(patients);
        ArgumentOutOfRangeException.ThrowIfNegative(studiesPerPatient);
        ArgumentOutOfRangeException.ThrowIfNegative(seriesPerStudy);
        ArgumentOutOfRangeException.ThrowIfNegative(instancesPerSeries);
        return Generate();

        IEnumerable<SyntheticInstance> Generate()
        {
            var random = new Random(seed);
            var oldest = new DateOnly(1930, 1, 1);
            var youngest = new DateOnly(2015, 12, 31);
            var lastStudy = new DateOnly(2024, 12, 31);
            for (var p = 1; p <= patients; p++)
            {
                var patientId = $"{patientPrefix}{p:D4}";
                var roll = random.Next(100);
                var sex = roll < 48 ? "F" : roll < 96 ? "M" : "O";
                var birth = oldest.AddDays(random.Next(youngest.DayNumber - oldest.DayNumber + 1));
                var firstStudy = birth > new DateOnly(2005, 1, 1) ? birth : new DateOnly(2005, 1, 1);
                for (var s = 1; s <= studiesPerPatient; s++)
                {
                    var studyUid = Uid($"{patientPrefix}|{collection}|{seed}|study|{p}|{s}");
                    var studyDate = firstStudy.AddDays(random.Next(lastStudy.DayNumber - firstStudy.DayNumber + 1));
                    for (var r = 1; r <= seriesPerStudy; r++)
                    {
                        var seriesUid = Uid($"{patientPrefix}|{collection}|{seed}|series|{p}|{s}|{r}");
                        var instance = new SyntheticInstance(patientId, studyUid, seriesUid, modality, bodyPart, sex, birth, studyDate, collection);
                        for (var i = 0; i < instancesPerSeries; i++)
                            yield return instance;
                    }
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        try
        {
            // The script's plain stop also deletes the state dir: a disposed hospital leaves nothing behind.
            await InfraScript.Run("orthanc.sh", "stop", Directory);
        }
        catch (InvalidOperationException)
        {
            // Already gone: nothing to clean.
        }
    }

    private void Apply(IReadOnlyDictionary<string, string> values)
    {
        Directory = values["ORTHANC_DIR"];
        Port = int.Parse(values["ORTHANC_PORT"], CultureInfo.InvariantCulture);
        Url = new Uri(values["ORTHANC_URL"]);
    }

    private static string DicomDate(DateOnly date) => date.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    /// <summary>"2.25." + a 128-bit value (PS3.5 B.2): here a hash of <paramref name="key"/>, not random, for determinism.</summary>
    private static string Uid(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return "2.25." + BinaryPrimitives.ReadUInt128BigEndian(hash).ToString(CultureInfo.InvariantCulture);
    }

    private static async Task<JsonDocument> ReadJson(HttpResponseMessage response, string what)
    {
        await EnsureSuccess(response, what);
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync());
    }

    // Orthanc explains a refusal in the body (OrthancError, Details): keep it in the exception.
    private static async Task EnsureSuccess(HttpResponseMessage response, string what)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsStringAsync();
        throw new HttpRequestException($"Orthanc {what}: {(int)response.StatusCode} {body}", null, response.StatusCode);
    }

    /// <summary>A width×height image with a diagonal gradient, so the pixels are not all equal.</summary>
    private static GrayscaleImage Gradient(int width, int height) =>
        new(width, height, Enumerable.Range(0, width * height).Select(i => (byte)((i % width + i / width) * 255 / (width + height - 2))).ToArray());

    private static string DataUri(GrayscaleImage image) => "data:image/png;base64," + Convert.ToBase64String(Png(image));

    /// <summary>The image as an 8-bit grayscale PNG.</summary>
    private static byte[] Png(GrayscaleImage image)
    {
        var (width, height) = (image.Width, image.Height);
        var scanlines = new byte[height * (width + 1)];
        for (var y = 0; y < height; y++)
        {
            // Each scanline starts with its filter type; 0 is "none".
            image.Pixels.AsSpan(y * width, width).CopyTo(scanlines.AsSpan(y * (width + 1) + 1));
        }
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            zlib.Write(scanlines);

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth; colour type 0 (grayscale), compression, filter and interlace 0
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", header);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var typeAndData = new byte[4 + data.Length];
        Encoding.ASCII.GetBytes(type, typeAndData);
        data.CopyTo(typeAndData, 4);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(typeAndData);
        // Decoders (Orthanc's libpng) reject a chunk whose CRC does not match.
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        png.Write(word);
    }

    // PNG's CRC-32 (reflected polynomial 0xEDB88320), bit by bit: a table is not worth it for one tiny image.
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
