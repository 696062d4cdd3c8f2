using Federation.NodeAgent.Publishing;
using Federation.ServiceDefaults.Persistence;
using Federation.Testing;
using Microsoft.EntityFrameworkCore;
using Xunit;

namespace Federation.NodeAgent.Tests.Indexing;

/// <summary>A node indexed before the subject summaries existed gets them, and its image count, from the migration that adds them.</summary>
[Collection(IndexStores.Name)]
public sealed class SummaryMigrationTests(Infrastructure infrastructure)
{
    [Theory]
    [InlineData(StoreProvider.Sqlite)]
    [InlineData(StoreProvider.PostgreSql)]
    public async Task The_migration_sums_an_existing_index(StoreProvider provider)
    {
        await using var index = await IndexStore.Create(provider, infrastructure, migration: "20261129030000_Initial");
        var images = Enumerable.Range(0, 12).Select(i => FakeStore.Image(i % 3, i % 2, i % 4, i, modality: i % 2 == 0 ? "CT" : "PT")).ToList();
        await using (var db = index.CreateDbContext())
        {
            foreach (var i in images)
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO indexed_instances (instance_id, collection, patient_id, study_uid, series_uid, modality, body_part, sex, birth_year, study_year, size_bytes)
                    VALUES ({i.InstanceId}, {i.Collection}, {i.PatientId}, {i.StudyUid}, {i.SeriesUid}, {i.Modality}, {i.BodyPart}, {i.Sex}, {i.BirthYear}, {i.StudyYear}, {i.SizeBytes})
                    """);
            await db.Database.ExecuteSqlRawAsync("INSERT INTO index_cursor (id, last_change, reconciled, descriptions_stale) VALUES (1, 12, TRUE, FALSE)");
            await db.Database.MigrateAsync();
        }

        await using (var db = index.CreateDbContext())
        {
            Assert.Equal((12L, 0L, null), ((await index.Cursor()).Instances, (await index.Cursor()).ReconcilePass, (await index.Cursor()).ReconcileNext));
            var lung = new DatasetSettings { Id = "lung", Collection = "LUNG", Title = "Lung" };
            var description = (await DatasetDescriber.Describe(db, lung, new NodeAgentOptions { Datasets = [lung] }, CancellationToken.None))!;
            Assert.Equal((3, images.Select(i => i.StudyUid).Distinct().Count(), images.Select(i => i.SeriesUid).Distinct().Count(), 12L, images.Sum(i => i.SizeBytes)),
                (description.Subjects, description.Studies, description.Series, description.Instances, description.SizeBytes));
            Assert.Equal(["CT", "PT"], description.Modalities);
            Assert.Equal(6, await db.SubjectKinds.CountAsync());
        }
    }
}
