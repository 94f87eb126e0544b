using Incidents.Dispatch;

namespace Incidents.IntegrationTests.Dispatch;

/// <summary>Issue #16: inside the worker, bulk work steps aside while a page is being handled (no broker or database needed).</summary>
public sealed class PagePriorityTests
{
    [Fact]
    public void bulk_work_goes_on_at_once_when_no_page_is_in_flight()
    {
        var priority = new PagePriority();
        priority.YieldAsync(CancellationToken.None).IsCompletedSuccessfully.ShouldBeTrue();
    }

    [Fact]
    public async Task bulk_work_waits_while_pages_are_handled_and_resumes_when_the_last_one_is_done()
    {
        var priority = new PagePriority();
        var first = priority.Enter();
        var second = priority.Enter();
        var bulk = priority.YieldAsync(CancellationToken.None).AsTask();
        bulk.IsCompleted.ShouldBeFalse("a page is being handled");

        first.Dispose();
        first.Dispose(); // a scope left twice counts once
        bulk.IsCompleted.ShouldBeFalse("another page is still being handled");

        second.Dispose();
        await bulk.WaitAsync(TimeSpan.FromSeconds(10));
        priority.YieldAsync(CancellationToken.None).IsCompletedSuccessfully.ShouldBeTrue();
    }
}
