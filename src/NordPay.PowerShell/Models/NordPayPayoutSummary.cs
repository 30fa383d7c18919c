using System;
using System.Collections.Generic;

namespace NordPay.Models
{
    /// <summary>The end of a batch run, for a scheduled job to check: counts by outcome, the totals paid per currency, and the policy obeyed.</summary>
    public sealed record NordPayPayoutSummary
    {
        public NordPayPayoutSummary(string journalPath, int rows, int paid, int alreadyPaid, int failed, int inDoubt,
            IReadOnlyDictionary<string, decimal> paidByCurrency, TimeSpan duration, string? policy = null, string? reportPath = null, int declined = 0)
        {
            Declined = declined;
            JournalPath = journalPath;
            ReportPath = reportPath;
            Rows = rows;
            Paid = paid;
            AlreadyPaid = alreadyPaid;
            Failed = failed;
            InDoubt = inDoubt;
            PaidByCurrency = paidByCurrency;
            Duration = duration;
            Policy = policy;
        }

        public string JournalPath { get; }
        /// <summary>The report of the run (-ReportPath): a line per input row with what became of it.</summary>
        public string? ReportPath { get; }
        public int Rows { get; }
        /// <summary>Paid by this run.</summary>
        public int Paid { get; }
        /// <summary>Paid by an earlier run with this journal: skipped.</summary>
        public int AlreadyPaid { get; }
        /// <summary>Not paid: invalid, refused by NordPay, or not confirmed. Run the batch again once fixed.</summary>
        public int Failed { get; }
        /// <summary>A confirm whose outcome is unknown: never paid again automatically; see -SettleInDoubt.</summary>
        public int InDoubt { get; }
        /// <summary>Answered No at a prompt (the batch's or the row's): nothing was sent; a re-run offers them again.</summary>
        public int Declined { get; }
        /// <summary>What this run paid, per currency.</summary>
        public IReadOnlyDictionary<string, decimal> PaidByCurrency { get; }
        public TimeSpan Duration { get; }
        /// <summary>The name of the policy the run obeyed (profile, scope and fingerprint of its rules); null when none applied.</summary>
        public string? Policy { get; }

        /// <summary>True when every row is paid, now or before.</summary>
        public bool Complete => Failed == 0 && InDoubt == 0 && Paid + AlreadyPaid == Rows;

        public override string ToString() =>
            $"{Rows} rows: {Paid} paid, {AlreadyPaid} already paid, {Failed} failed, {InDoubt} in doubt" + (Declined > 0 ? $", {Declined} declined" : string.Empty)
            + "; " + NordPayPolicy.Describe(Policy);
    }
}
