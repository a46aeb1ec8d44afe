using Samverkan.Domain.Statistics;

namespace Samverkan.Domain.Tests.Statistics;

public class SmallCountsTests
{
    [Theory]
    [InlineData(0, "0")]
    [InlineData(1, "< 5")]
    [InlineData(4, "< 5")]
    [InlineData(5, "5")]
    [InlineData(120, "120")]
    public void Count_HidesOneToFour(long count, string text)
    {
        var shown = SmallCounts.Count(count);

        shown.Text.ShouldBe(text);
        shown.Hidden.ShouldBe(text == "< 5");
        if (shown.Hidden)
        {
            shown.Value.ShouldBeNull("the hidden number must not be kept");
        }
    }

    [Fact]
    public void Total_OfTwelve_WithNineAndThree_IsHidden_ElseItWouldRevealTheThree()
    {
        long[] parts = [9, 3];

        // Without the secondary rule: 9 shown, 3 hidden, 12 shown — and 12 − 9 = 3.
        var naive = parts.Select(SmallCounts.Count).Append(SmallCounts.Count(parts.Sum())).ToArray();
        naive.Select(p => p.Text).ShouldBe(["9", "< 5", "12"]);
        (naive[2].Value - naive[0].Value).ShouldBe(3, "this is the leak the rule prevents");

        var (shown, total) = SmallCounts.Table(parts, 12);

        shown.Select(p => p.Text).ShouldBe(["9", "< 5"]);
        total.Hidden.ShouldBeTrue();
        total.Text.ShouldBe("< 5");
    }

    [Fact]
    public void Total_OfTwoHiddenParts_IsHidden_ElseASumOfTwoWouldRevealBothOnes()
    {
        var (shown, total) = SmallCounts.Table([1, 1, 7], 9);

        shown.Count(p => p.Hidden).ShouldBe(2);
        total.Hidden.ShouldBeTrue("9 − 7 = 2 would reveal that both hidden cells are 1");
    }

    [Fact]
    public void Total_OfShownParts_IsShown()
    {
        var (shown, total) = SmallCounts.Table([9, 0, 6], 15);

        shown.Select(p => p.Text).ShouldBe(["9", "0", "6"]);
        total.Text.ShouldBe("15");
    }

    [Fact]
    public void Table_InTwoDimensions_LeavesNoCellRecomputable()
    {
        // Rows: two schools; columns: two case kinds. One cell (school B, kind 2) is 2.
        long[][] cells = [[10, 6], [8, 2]];
        var rowTotals = cells.Select(r => SmallCounts.Total(r)).ToArray();
        var columnTotals = Enumerable.Range(0, 2).Select(c => SmallCounts.Total(cells.Select(r => r[c]).ToArray())).ToArray();
        var grand = SmallCounts.Total(cells.SelectMany(r => r).ToArray());

        rowTotals.Select(t => t.Text).ShouldBe(["16", "< 5"]);
        columnTotals.Select(t => t.Text).ShouldBe(["18", "< 5"]);
        grand.Hidden.ShouldBeTrue();

        // Every shown total is made only of shown cells, so nothing shown can be subtracted down to the hidden 2.
        SmallCounts.Count(cells[1][1]).Hidden.ShouldBeTrue();
    }

    [Theory]
    [InlineData(3, 20, true)]
    [InlineData(10, 3, true)]
    [InlineData(10, 20, false)]
    [InlineData(0, 0, true)]
    public void Share_IsHidden_WhenEitherCountIs(long part, long whole, bool hidden)
    {
        var share = SmallCounts.Share(part, whole);

        share.Hidden.ShouldBe(hidden);
        if (!hidden)
        {
            share.Value.ShouldBe(0.5);
        }
    }

    [Fact]
    public void Difference_IsHidden_WhenEitherCountIs()
    {
        SmallCounts.Difference(12, 9).Text.ShouldBe("3", "a difference of two shown counts reveals nothing new");
        SmallCounts.Difference(12, 3).Hidden.ShouldBeTrue();
    }

    [Fact]
    public void Median_OverFewerThanFive_IsHidden()
    {
        SmallCounts.Over(12.5, 4).Hidden.ShouldBeTrue();
        SmallCounts.Over(12.5, 4).StatisticText.ShouldBe("–", "\"< 5\" would read as under five hours");
        SmallCounts.Over(12.5, 5).Text.ShouldBe("12.5");
        SmallCounts.Over(null, 50).Hidden.ShouldBeTrue();
    }
}

public class StatisticsRangeTests
{
    [Fact]
    public void Whole_WidensToIsoWeeks_AndMonths()
    {
        var week = StatisticsRange.Whole(PeriodKind.Week, new DateOnly(2026, 3, 25), new DateOnly(2026, 4, 1));
        week.From.ShouldBe(new DateOnly(2026, 3, 23));
        week.To.ShouldBe(new DateOnly(2026, 4, 5));
        week.Buckets().Select(d => StatisticsRange.Label(PeriodKind.Week, d)).ShouldBe(["2026-W13", "2026-W14"]);

        var month = StatisticsRange.Whole(PeriodKind.Month, new DateOnly(2026, 1, 31), new DateOnly(2026, 2, 3));
        month.From.ShouldBe(new DateOnly(2026, 1, 1));
        month.To.ShouldBe(new DateOnly(2026, 2, 28));
        month.Buckets().Select(d => StatisticsRange.Label(PeriodKind.Month, d)).ShouldBe(["2026-01", "2026-02"]);
    }

    [Fact]
    public void Label_UsesTheIsoWeekYear()
    {
        StatisticsRange.Label(PeriodKind.Week, new DateOnly(2026, 12, 31)).ShouldBe("2026-W53");
        StatisticsRange.Label(PeriodKind.Week, new DateOnly(2027, 1, 3)).ShouldBe("2026-W53");
    }
}
