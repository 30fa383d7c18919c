using System;

namespace NordPay.Api
{
    /// <summary>
    /// When to try a call again and how long to wait: exponential backoff with jitter, NordPay's
    /// Retry-After when it gives one, and a cap on the total wait.
    /// </summary>
    internal sealed class RetryPolicy
    {
        private static readonly Random Jitter = new Random();
        private readonly NordPayClientOptions _options;
        private TimeSpan _waited;

        public RetryPolicy(NordPayClientOptions options) => _options = options;

        /// <summary>Attempts made so far.</summary>
        public int Attempts { get; private set; }

        public void Attempted() => Attempts++;

        /// <summary>The wait before the next attempt, or null with the reason there is none.</summary>
        public TimeSpan? NextDelay(TimeSpan? retryAfter, out string whyNot)
        {
            whyNot = string.Empty;
            if (Attempts > _options.MaximumRetryCount)
            {
                whyNot = $"after {Attempts} attempts";
                return null;
            }
            var delay = retryAfter ?? Backoff(Attempts);
            if (_waited + delay > _options.RetryTimeLimit)
            {
                whyNot = retryAfter != null
                    ? $"NordPay asked to wait {retryAfter.Value.TotalSeconds:0.#} s, past the retry time limit of {_options.RetryTimeLimit.TotalSeconds:0.#} s"
                    : $"after {Attempts} attempts: the retry time limit of {_options.RetryTimeLimit.TotalSeconds:0.#} s is reached";
                return null;
            }
            _waited += delay;
            return delay;
        }

        // Half the exponential step fixed, half random: retries spread out without ever collapsing to zero.
        private TimeSpan Backoff(int attempt)
        {
            var step = _options.RetryInterval.TotalMilliseconds * Math.Pow(2, attempt - 1);
            double random;
            lock (Jitter) random = Jitter.NextDouble();
            return TimeSpan.FromMilliseconds(step / 2 + step / 2 * random);
        }
    }
}
