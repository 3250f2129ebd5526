//! The feedback readers of the portal send without logging in, and the page counter their
//! pages ask: how often one address may send a form, or be counted.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::domain::form_token::TokenAges;
use crate::domain::rate_limit::BucketPolicy;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackSettings {
    /// Forms one address may send in a burst.
    pub ip_burst: u32,
    /// Seconds for one form of the burst to come back.
    pub ip_refill_secs: f64,
    /// Seconds at least between the page that asks to confirm a form and its confirmation:
    /// people read before they confirm, programs post at once.
    pub min_secs: i64,
    /// Seconds at most the page that asks to confirm a form stays valid.
    pub max_secs: i64,
}

impl Default for FeedbackSettings {
    fn default() -> Self {
        FeedbackSettings {
            ip_burst: 10,
            ip_refill_secs: 60.0,
            min_secs: 3,
            max_secs: 2 * 3600,
        }
    }
}

impl FeedbackSettings {
    pub fn token_ages(&self) -> TokenAges {
        TokenAges {
            min_secs: self.min_secs,
            max_secs: self.max_secs,
        }
    }

    pub fn bucket_policy(&self) -> BucketPolicy {
        BucketPolicy {
            burst: self.ip_burst,
            refill_every: Duration::from_secs_f64(self.ip_refill_secs),
        }
    }
}

/// How many page views of one address the counter takes at once, and how fast it takes more;
/// views beyond are answered and not counted.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterSettings {
    /// Views one address may have counted in a burst.
    pub ip_burst: u32,
    /// Seconds for one view of the burst to come back.
    pub ip_refill_secs: f64,
}

impl Default for CounterSettings {
    fn default() -> Self {
        CounterSettings {
            ip_burst: 30,
            ip_refill_secs: 2.0,
        }
    }
}

impl CounterSettings {
    pub fn bucket_policy(&self) -> BucketPolicy {
        BucketPolicy {
            burst: self.ip_burst,
            refill_every: Duration::from_secs_f64(self.ip_refill_secs),
        }
    }
}
