namespace Incidents.Dispatch;

/// <summary>The notification worker: consumes the API's integration events and notifies people (see docs/dispatch.md).</summary>
public static class Program
{
    public static async Task Main(string[] args) => await DispatchHost.Build(args).RunAsync();
}
