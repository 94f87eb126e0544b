namespace Incidents.IntegrationTests.Infrastructure;

/// <summary>Polls until a condition holds; for effects that happen in the background (scheduled SLA checks).</summary>
public static class Eventually
{
    public static async Task<T> GetAsync<T>(Func<Task<T>> read, Func<T, bool> until, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (until(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0.#} s for {what}; last value: {value}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until the wall clock has passed an instant. Only for the few tests of the real durable scheduler (restarts),
    /// where real time passing while the API is down is the scenario itself; every other clock test moves a
    /// <see cref="TestClock"/> instead of waiting.
    /// </summary>
    public static Task PastAsync(DateTimeOffset instant, string what) =>
        GetAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > instant,
            (instant - DateTimeOffset.UtcNow).Duration() + TimeSpan.FromSeconds(30), what);
}
