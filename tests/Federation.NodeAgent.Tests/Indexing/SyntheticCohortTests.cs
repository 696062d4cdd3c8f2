using Federation.NodeAgent.Images;
using Xunit;

namespace Federation.NodeAgent.Tests.Indexing;

/// <summary>The synthetic cohort is computed on demand: the same images on every call and run, at any size, without holding them.</summary>
public sealed class SyntheticCohortTests
{
    [Fact]
    public async Task A_hospital_sized_cohort_is_deterministic_spread_evenly_and_listed_in_pages()
    {
        var settings = new SyntheticCohortSettings { Subjects = 3400, Instances = 2_000_000 };
        var node = new NodeAgentOptions
        {
            Node = "node-big",
            Datasets = [new DatasetSettings { Id = "a", Collection = "LUNG", Title = "A" }, new DatasetSettings { Id = "b", Collection = "BREAST", Title = "B" }],
        };
        var source = settings.Source(node);
        Assert.Equal(2_000_000, await source.InstanceCount(CancellationToken.None));

        var first = (await source.Describe("node-big/0", CancellationToken.None))!;
        var last = (await source.Describe("node-big/1999999", CancellationToken.None))!;
        Assert.Equal(("node-big-LUNG-00000", "node-big-BREAST-01699"), (first.PatientId, last.PatientId));
        Assert.Equal(first, await settings.Source(node).Describe("node-big/0", CancellationToken.None)); // same on another instance
        Assert.Null(await source.Describe("node-big/2000000", CancellationToken.None));
        Assert.Null(await source.Describe("node-big/01", CancellationToken.None));
        Assert.Null(await source.Describe("other/1", CancellationToken.None));

        // 2,000,000 / 3,400 = 588.2: the first 800 subjects have 589 images, the others 588.
        Assert.Equal(("node-big-LUNG-00000", "node-big-LUNG-00001"), ((await source.Describe("node-big/588", CancellationToken.None))!.PatientId,
            (await source.Describe("node-big/589", CancellationToken.None))!.PatientId));
        var boundary = 800 * 589;
        Assert.Equal(("node-big-LUNG-00799", "node-big-LUNG-00800", "node-big-LUNG-00800", "node-big-LUNG-00801"),
            (await Patient(source, boundary - 1), await Patient(source, boundary), await Patient(source, boundary + 587), await Patient(source, boundary + 588)));

        var page = await source.InstanceIds(1_999_998, 1000, CancellationToken.None);
        Assert.Equal(["node-big/1999998", "node-big/1999999"], page.Ids);
        Assert.Equal((2_000_000L, true), (page.Next, page.Done));
        var changes = await source.ChangesSince(5, CancellationToken.None);
        Assert.Equal(("node-big/5", 6L, 1005L, false), (changes.Changes[0].Id, changes.Changes[0].Seq, changes.Last, changes.Done));
        var head = await source.ChangesSince(long.MaxValue - 1, CancellationToken.None);
        Assert.Equal((0, 2_000_000L, true), (head.Changes.Count, head.Last, head.Done));
    }

    [Fact]
    public async Task The_demo_shape_gives_each_subject_one_study_of_two_series_of_four_images_of_one_kind()
    {
        var source = SyntheticImageSource.Cohort("node-demo", seed: 7, ("LUNG-CT", "CT", "CHEST", 40), ("BREAST-MG", "MG", "BREAST", 30));
        var images = await Expected.All(source);
        Assert.Equal(560, images.Count);
        Assert.All(images.GroupBy(i => i.PatientId), g => Assert.Equal((8, 1, 2), (g.Count(), g.Select(i => i.StudyUid).Distinct().Count(),
            g.Select(i => i.SeriesUid).Distinct().Count())));
        Assert.Equal(["BREAST-MG/MG/BREAST", "LUNG-CT/CT/CHEST"], images.Select(i => $"{i.Collection}/{i.Modality}/{i.BodyPart}").Distinct().Order());
        Assert.Equal(images.Count, images.Select(i => i.InstanceId).Distinct().Count());
    }

    private static async Task<string> Patient(IImageSource source, long g) => (await source.Describe($"node-big/{g}", CancellationToken.None))!.PatientId;
}
