using Federation.Contracts.Discovery;
using Federation.NodeAgent.Images;
using Federation.NodeAgent.Indexing;
using Federation.NodeAgent.Publishing;
using Federation.ServiceDefaults.Persistence;
using Federation.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Federation.NodeAgent.Tests.Indexing;

/// <summary>
/// Reconciliation by mark and sweep in tiny pages (4 images, so that every interesting image sits at a page
/// boundary), on both stores the node runs on: the index ends equal to the store, image by image and in its
/// subject summaries; a pass cut off midway resumes where it stopped and never deletes an image it has not
/// yet reached.
/// </summary>
[Collection(IndexStores.Name)]
public sealed class ReconcileTests(Infrastructure infrastructure)
{
    private static readonly DatasetSettings Lung = new() { Id = "lung", Collection = "LUNG", Title = "Lung" };

    private static readonly NodeAgentOptions Node = new() { Node = "node-t", Datasets = [Lung], ReconcilePageSize = 4 };

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.PostgreSql)]
    public async Task A_pass_in_tiny_pages_adds_what_the_log_never_showed_and_deletes_what_left_on_either_side_of_page_boundaries(StoreProvider provider)
    {
        await using var index = await IndexStore.Create(provider, infrastructure);
        var store = new FakeStore();
        for (var subject = 0; subject < 6; subject++)
            foreach (var (series, instance) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                store.Add(FakeStore.Image(subject, 0, series, instance));
        store.Add(FakeStore.Image(9, 0, 0, 0, collection: null!)); // outside any collection: indexed, in no summary
        var indexer = index.Indexer(store, Node);

        await IndexStore.UntilIdle(indexer);
        await AssertMirrors(index, store);
        Assert.Equal((1L, null, true), ((await index.Cursor()).ReconcilePass, (await index.Cursor()).ReconcileNext, (await index.Cursor()).Reconciled));

        // Deleted on both sides of page boundaries (listing positions 3|4 and 7|8), the last image, a whole subject
        // (P005) and the image without a collection; arrivals the log never showed (an Orthanc restored from backup).
        foreach (var id in new[] { "LUNG-0-0-1-1", "LUNG-1-0-0-0", "LUNG-1-0-1-1", "LUNG-2-0-0-0", "LUNG-5-0-0-0", "LUNG-5-0-0-1", "LUNG-5-0-1-0", "LUNG-5-0-1-1" })
            store.Delete(id);
        store.Delete(store.Images.Single(i => i.Collection is null).InstanceId);
        store.Add(FakeStore.Image(6, 0, 0, 0), logged: false);
        store.Add(FakeStore.Image(0, 1, 0, 0, modality: "PT", bodyPart: "WHOLEBODY"), logged: false);
        // And an arrival the log does show, followed as usual.
        store.Add(FakeStore.Image(7, 0, 0, 0));

        await IndexStore.UntilIdle(indexer);
        await AssertMirrors(index, store);
        Assert.Equal(2L, (await index.Cursor()).ReconcilePass);
        await using var db = index.CreateDbContext();
        Assert.False(await db.Subjects.AnyAsync(s => s.PatientId == "P005"));
        Assert.Equal(["CT/CHEST", "PT/WHOLEBODY"], await db.SubjectKinds.Where(k => k.PatientId == "P000").OrderBy(k => k.Modality)
            .Select(k => k.Modality + "/" + k.BodyPart).ToListAsync());
    }

    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.PostgreSql)]
    public async Task A_pass_cut_off_midway_resumes_where_it_stopped_without_losing_or_doubling_an_image(StoreProvider provider)
    {
        await using var index = await IndexStore.Create(provider, infrastructure);
        var store = new FakeStore();
        for (var i = 0; i < 30; i++)
            store.Add(FakeStore.Image(i / 3, 0, 0, i % 3));
        var indexer = index.Indexer(store, Node);

        // The first pass loses its PACS on the fourth page: three pages (12 images) are committed, with the pass's place.
        store.FailListing = 3;
        await Assert.ThrowsAsync<IOException>(() => IndexStore.UntilIdle(indexer));
        var cut = await index.Cursor();
        Assert.Equal((1L, 12L, false, 12), (cut.ReconcilePass, cut.ReconcileNext, cut.Reconciled, await Rows(index)));
        store.FailListing = null;
        var listingsBefore = store.Listings;
        await IndexStore.UntilIdle(indexer);
        await AssertMirrors(index, store);
        Assert.Equal(1L, (await index.Cursor()).ReconcilePass); // resumed, not restarted
        Assert.Equal(30 / 4 + 1 - 3, store.Listings - listingsBefore); // the pages not done yet, and the empty end

        // Five images go; the next pass (2) breaks on its second page. Nothing is deleted before a pass has seen the
        // whole store: the index still holds every image, including the ones the cut-off pass has not reached.
        foreach (var id in new[] { "LUNG-0-0-0-0", "LUNG-1-0-0-2", "LUNG-5-0-0-1", "LUNG-8-0-0-0", "LUNG-9-0-0-2" })
            store.Delete(id);
        store.FailListing = store.Listings + 1;
        await Assert.ThrowsAsync<IOException>(() => IndexStore.UntilIdle(indexer));
        Assert.Equal((2L, 4L, 30), ((await index.Cursor()).ReconcilePass, (await index.Cursor()).ReconcileNext, await Rows(index)));
        store.FailListing = null;
        await IndexStore.UntilIdle(indexer);
        await AssertMirrors(index, store);
        Assert.Equal(2L, (await index.Cursor()).ReconcilePass);
    }

    private static async Task<int> Rows(IndexStore index)
    {
        await using var db = index.CreateDbContext();
        return await db.Instances.CountAsync();
    }

    /// <summary>The index holds exactly the store's images, its count and summaries agree, and its description is the obvious one.</summary>
    private static async Task AssertMirrors(IndexStore index, FakeStore store)
    {
        await using var db = index.CreateDbContext();
        var rows = await db.Instances.AsNoTracking().OrderBy(i => i.InstanceId).ToListAsync();
        Assert.Equal(store.Images.Select(i => i.InstanceId).Order(StringComparer.Ordinal), rows.Select(r => r.InstanceId).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.True(r.Matches(store.Images.Single(i => i.InstanceId == r.InstanceId)), r.InstanceId));
        Assert.Equal(store.Images.Count, (await index.Cursor()).Instances);

        var expected = Expected.Of(store.Images, Lung, []).ToList();
        var subjects = await db.Subjects.AsNoTracking().OrderBy(s => s.PatientId).ToListAsync();
        Assert.Equal(expected.GroupBy(i => i.PatientId).Select(g => (g.Key, g.Count(), g.Sum(i => i.SizeBytes), g.Select(i => i.SeriesUid).Distinct().Count()))
            .OrderBy(s => s.Key, StringComparer.Ordinal), subjects.Select(s => (s.PatientId, (int)s.Instances, s.SizeBytes, s.Series)));
        var description = await DatasetDescriber.Describe(db, Lung, Node, CancellationToken.None);
        Assert.NotNull(description);
        Assert.Equal((expected.Count, expected.Select(i => i.StudyUid).Distinct().Count(), expected.Select(i => i.PatientId).Distinct().Count()),
            ((int)description.Instances, description.Studies, description.Subjects));
        Assert.Equal(expected.Select(i => i.Modality).Distinct().Order(StringComparer.Ordinal), description.Modalities);
    }
}
