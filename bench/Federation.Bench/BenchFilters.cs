using Federation.Contracts.Discovery;

namespace Federation.Bench;

/// <summary>What researchers ask for, varied: kind of image, sex, age band, cancer type, alone and combined (cycled through by the node scenarios).</summary>
public static class BenchFilters
{
    public static readonly SubjectFilter[] Varied =
    [
        new(),
        new(Modality: "CT"),
        new(Modality: "CT", BodyPart: "CHEST"),
        new(Modality: "PT", BodyPart: "WHOLEBODY"),
        new(Modality: "MG"),
        new(Modality: "MR", BodyPart: "BREAST", Sex: "F"),
        new(Sex: "F"),
        new(Sex: "M", MinAge: 60),
        new(MinAge: 40, MaxAge: 59),
        new(Modality: "CT", BodyPart: "ABDOMEN", Sex: "M", MinAge: 50, MaxAge: 80),
        new(CancerType: "C50"),
        new(CancerType: "C34", Modality: "CT"),
        new(Modality: "US", MaxAge: 30),
        new(BodyPart: "BREAST", MinAge: 70),
        new(Modality: "CT", MinAge: 85),
        new(Modality: "MR", BodyPart: "BRAIN"),
    ];

    public static SubjectFilter At(int i) => Varied[i % Varied.Length];
}
