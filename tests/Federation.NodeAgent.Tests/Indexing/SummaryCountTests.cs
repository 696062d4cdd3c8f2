using Federation.Contracts.Discovery;
using Federation.NodeAgent.Images;
using Federation.NodeAgent.Indexing;
using Federation.NodeAgent.Publishing;
using Federation.ServiceDefaults.Persistence;
using Federation.Testing;
using Xunit;

namespace Federation.NodeAgent.Tests.Indexing;

/// <summary>
/// Counts from the subject summaries equal counts from every image record, for a synthetic cohort of several kinds of
/// image per subject, across filters on kind, sex and age: withdrawn subjects are never counted, and every cell (and
/// total) under the small-cell threshold is withheld. Descriptions from the summaries equal the obvious ones too.
/// </summary>
[Collection(IndexStores.Name)]
public sealed class SummaryCountTests(Infrastructure infrastructure)
{
    private const int Threshold = 5;

    private static readonly DatasetSettings Lung = new() { Id = "lung", Collection = "LUNG", Title = "Lung", CancerType = "C34" };
    private static readonly DatasetSettings Breast = new() { Id = "breast", Collection = "BREAST", Title = "Breast", CancerType = "C50" };

    private static readonly NodeAgentOptions Node = new() { Node = "node-s", Datasets = [Lung, Breast], SmallCellThreshold = Threshold, ReconcilePageSize = 97 };

    private static readonly SubjectFilter[] Filters =
    [
        new(),
        new(Modality: "CT"),
        new(Modality: "ct", BodyPart: "abdomen"),
        new(BodyPart: "WHOLEBODY", Sex: "F"),
        new(Sex: "M", MinAge: 60),
        new(MaxAge: 45),
        new(Modality: "PT", MinAge: 50, MaxAge: 75),
        new(Modality: "PT", Sex: "F", MinAge: 85),
        new(Modality: "MR", BodyPart: "BREAST", Sex: "F", MaxAge: 40),
        new(Modality: "US"),
        new(CancerType: "C50"),
        new(DatasetIds: ["breast"]),
        new(Modality: "CT", Sex: "O"),
    ];

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.PostgreSql)]
    public async Task Counts_from_the_summaries_equal_counts_over_every_image_without_withdrawn_subjects_and_with_small_cells_withheld(StoreProvider provider)
    {
        await using var index = await IndexStore.Create(provider, infrastructure);
        var source = new SyntheticImageSource("node-s", seed: 3,
            [
                new SyntheticCollection("LUNG", 41, [new("CT", "CHEST"), new("CT", "ABDOMEN"), new("PT", "WHOLEBODY")]),
                new SyntheticCollection("BREAST", 23, [new("MG", "BREAST"), new("MR", "BREAST"), new("US", "BREAST")]),
            ],
            instances: 1500, seriesSize: 3, seriesPerStudy: 2);
        await IndexStore.UntilIdle(index.Indexer(source, Node));
        var images = await Expected.All(source);
        string[] withdrawn = ["node-s-LUNG-00003", "node-s-LUNG-00017", "node-s-LUNG-00018", "node-s-LUNG-00040"];
        await using (var db = index.CreateDbContext())
        {
            db.Withdrawn.AddRange(withdrawn.Select(s => new WithdrawnSubject { DatasetId = "lung", SubjectId = s, RecordedAt = DateTime.UtcNow }));
            // The same subject withdrawn from another dataset changes nothing here.
            db.Withdrawn.Add(new WithdrawnSubject { DatasetId = "breast", SubjectId = "node-s-LUNG-00005", RecordedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        var withheld = 0;
        await using (var db = index.CreateDbContext())
            foreach (var filter in Filters)
                foreach (var dataset in Node.Datasets)
                {
                    var actual = await SubjectCounts.Count(db, dataset, filter, Threshold, CancellationToken.None);
                    if (filter.DatasetIds is { } ids && !ids.Contains(dataset.Id))
                    {
                        Assert.Null(actual);
                        continue;
                    }
                    var expected = filter.CancerType is { } cancer && cancer != dataset.CancerType
                        ? new DatasetCount(dataset.Id, false, 0, [], [])
                        : Expected.Count(images, dataset, dataset == Lung ? withdrawn : [], filter, Threshold);
                    Expected.Same(expected, actual, $"{dataset.Id} {filter}");
                    withheld += (expected.Subjects is null ? 1 : 0) + expected.Sex.Concat(expected.AgeAtStudy).Count(b => b.Count is null);
                }
        Assert.True(withheld > 10, "the filters must reach small cells, or suppression goes untested");

        await using (var db = index.CreateDbContext())
        {
            var lung = (await DatasetDescriber.Describe(db, Lung, Node, CancellationToken.None))!;
            var mine = Expected.Of(images, Lung, withdrawn).ToList();
            Assert.Equal(41 - withdrawn.Length, lung.Subjects);
            Assert.Equal((mine.Select(i => i.StudyUid).Distinct().Count(), mine.Select(i => i.SeriesUid).Distinct().Count(), (long)mine.Count, mine.Sum(i => i.SizeBytes)),
                (lung.Studies, lung.Series, lung.Instances, lung.SizeBytes));
            Assert.Equal((mine.Min(i => i.StudyYear), mine.Max(i => i.StudyYear)), (lung.FirstYear, lung.LastYear));
            Assert.Equal(["CT", "PT"], lung.Modalities);
            Assert.Equal(["ABDOMEN", "CHEST", "WHOLEBODY"], lung.BodyParts);
            var (sex, age) = Expected.Buckets(Expected.Subjects(mine), Threshold);
            Assert.Equal(sex, lung.Sex);
            Assert.Equal(age, lung.AgeAtStudy);
        }
    }
}
