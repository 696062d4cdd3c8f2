using System.Globalization;
using Federation.Algorithms;
using Federation.Compute.Routing;

namespace Federation.Compute.Tasks;

/// <summary>
/// What the router and the executors need from a TES task, read and checked once: datasets from the inputs with
/// <c>federation://datasets/&lt;id&gt;</c> URLs, the algorithm from the (first) executor's image, resources with GPUs
/// from backend parameters, and the placement preference. Every problem is reported at once.
/// </summary>
public sealed record TaskSpec(IReadOnlyList<string> Datasets, TaskAlgorithm Algorithm, TaskResources Resources, PlacementPreference Preference, string? Aggregator,
    TrainingSettings? Training = null, bool WaitForNodes = false)
{
    public const string DatasetScheme = "federation://datasets/";
    private const int MaxExecutors = 20, MaxItems = 200, MaxText = 4000, MaxContent = 128 * 1024;
    private const long GiB = 1L << 30;

    public static (TaskSpec? Spec, Dictionary<string, string[]> Errors) Read(TesTask task)
    {
        var errors = new List<(string, string)>();
        if (task.Name is { Length: > 200 })
            errors.Add(("name", "At most 200 characters."));
        if (task.Description is { Length: > MaxText })
            errors.Add(("description", $"At most {MaxText} characters."));
        if (task.Executors is not { Count: > 0 and <= MaxExecutors })
            errors.Add(("executors", $"1 to {MaxExecutors} executors."));
        else
            for (var i = 0; i < task.Executors.Count; i++)
            {
                var e = task.Executors[i];
                if (string.IsNullOrWhiteSpace(e.Image) || e.Image.Length > 500)
                    errors.Add(($"executors[{i}].image", "An image name (or builtin:<algorithm>), at most 500 characters."));
                if (e.Command is not { Count: > 0 and <= MaxItems } || e.Command.Any(c => c is null || c.Length > MaxText))
                    errors.Add(($"executors[{i}].command", $"1 to {MaxItems} arguments of at most {MaxText} characters."));
                if (e.Env is { Count: > MaxItems })
                    errors.Add(($"executors[{i}].env", $"At most {MaxItems} variables."));
            }

        var datasets = new List<string>();
        foreach (var (input, i) in (task.Inputs ?? []).Select((x, i) => (x, i)))
        {
            if (input.Url is { } url && url.StartsWith(DatasetScheme, StringComparison.Ordinal))
            {
                var id = url[DatasetScheme.Length..];
                if (id.Length is 0 or > 200 || id.Contains('/') || id.Contains(','))
                    errors.Add(($"inputs[{i}].url", $"A dataset input is {DatasetScheme}<dataset id>."));
                else
                    datasets.Add(id);
            }
            else if (input.Content is null && input.Url is null)
                errors.Add(($"inputs[{i}]", "An input needs a url or a content."));
            if (input.Content is { Length: > MaxContent })
                errors.Add(($"inputs[{i}].content", $"At most {MaxContent} characters inline."));
            if (string.IsNullOrWhiteSpace(input.Path))
                errors.Add(($"inputs[{i}].path", "Where the input appears to the executor."));
        }
        if ((task.Inputs?.Count ?? 0) > MaxItems || (task.Outputs?.Count ?? 0) > MaxItems)
            errors.Add(("inputs", $"At most {MaxItems} inputs and {MaxItems} outputs."));

        var resources = task.Resources;
        var parameters = resources?.BackendParameters ?? new Dictionary<string, string>();
        if (resources?.BackendParametersStrict == true)
            foreach (var unknown in parameters.Keys.Except(BackendParameters.All))
                errors.Add(($"resources.backend_parameters.{unknown}", $"Not a backend parameter of this service (strict): {string.Join(", ", BackendParameters.All)}."));
        if (resources?.CpuCores is < 1 or > 1024)
            errors.Add(("resources.cpu_cores", "1 to 1024."));
        if (resources?.RamGb is < 0 or > 4096)
            errors.Add(("resources.ram_gb", "0 to 4096."));
        var gpus = Number(parameters, BackendParameters.Gpus, 0, 64, errors);
        var gpuMemory = Number(parameters, BackendParameters.GpuMemoryGb, 0, 1024, errors);
        var preference = PlacementPreference.Auto;
        if (parameters.TryGetValue(BackendParameters.Placement, out var placement))
            preference = placement switch
            {
                "auto" => PlacementPreference.Auto,
                "at-data" => PlacementPreference.AtData,
                "central" => PlacementPreference.Central,
                _ => Invalid(errors, PlacementPreference.Auto, $"resources.backend_parameters.{BackendParameters.Placement}", "auto, at-data or central."),
            };
        parameters.TryGetValue(BackendParameters.Aggregator, out var aggregator);
        var waitForNodes = parameters.GetValueOrDefault(BackendParameters.OnNodeLoss) switch
        {
            null or "fail" => false,
            "wait" => true,
            _ => Invalid(errors, false, $"resources.backend_parameters.{BackendParameters.OnNodeLoss}", "fail or wait."),
        };
        // Federated training reads its settings from the executor's environment, as a containerised trainer would.
        TrainingSettings? training = null;
        if (task.Executors is { Count: > 0 } executors && executors[0].Image == FederatedTraining.Algorithm)
        {
            (training, var problems) = FederatedTraining.Read(executors[0].Env);
            errors.AddRange(problems.Select(p => ($"executors[0].env.{p.Key}", p.Problem)));
        }

        if (errors.Count > 0)
            return (null, errors.GroupBy(e => e.Item1).ToDictionary(g => g.Key, g => g.Select(e => e.Item2).ToArray()));
        var image = task.Executors![0].Image!;
        var code = task.Executors.Sum(e => (long)e.Command!.Sum(c => c.Length)) + (task.Inputs ?? []).Sum(i => (long)(i.Content?.Length ?? 0));
        return (new TaskSpec(
            datasets.Distinct(StringComparer.Ordinal).ToList(),
            new TaskAlgorithm(image, Math.Max(code, 1)),
            new TaskResources(resources?.CpuCores ?? 1, (long)((resources?.RamGb ?? 1) * GiB), (int)gpus, (long)(gpuMemory * GiB)),
            preference,
            aggregator,
            training,
            waitForNodes), []);
    }

    private static double Number(IReadOnlyDictionary<string, string> parameters, string key, double min, double max, List<(string, string)> errors)
    {
        if (!parameters.TryGetValue(key, out var text))
            return 0;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors.Add(($"resources.backend_parameters.{key}", $"A number from {min} to {max}."));
        return 0;
    }

    private static T Invalid<T>(List<(string, string)> errors, T fallback, string field, string problem)
    {
        errors.Add((field, problem));
        return fallback;
    }
}
