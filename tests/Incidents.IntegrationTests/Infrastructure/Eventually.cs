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
}
