namespace Federation.ServiceDefaults.Hosting;

/// <summary>
/// The embedded federation's demo node, as the roles that seed it must agree on it: the node agent runs it, compute
/// enrols it, identity's demo DAC member reviews for its data holder (so the demo's requests can be decided).
/// </summary>
public static class DemoFederation
{
    public const string Node = "node-demo";
    public const string DataHolder = "hospital-a";
    public const string Country = "DE";
    public const string Institution = "Demo University Hospital";
}
