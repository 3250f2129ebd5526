//! The order of the reports still to be answered, kept between requests of the report list.
//!
//! Those reports are read whole and sorted on every page of the list (`report_list`), the
//! largest part of its work. Their order only changes when a report is filed, deleted, or
//! changes state, urgency code, due date or owner, which a trigger counts in
//! `reports_version`; so the sorted ids are kept per list (its scope, filter, order and day)
//! with the count they were read at, and read again only once it has moved.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// At most this many lists are kept; past it the cache starts again empty. The network's
/// offices, institutions and filters give a few hundred at most.
const MOST_LISTS: usize = 2_048;

/// The kept lists: each list's key, the `reports_version` its order was read at, the order.
type Lists = HashMap<String, (i64, Arc<Vec<i64>>)>;

/// The sorted ids of the open reports of each list, with the `reports_version` they were
/// read at.
#[derive(Default)]
pub struct OpenOrders {
    lists: Mutex<Lists>,
}

impl OpenOrders {
    /// The ids kept for `list` at `version`, or those `read` gives, kept for the next request.
    /// `version` must be read before `read` runs: an order read later may hold changes past
    /// `version`, which only makes the next request read it again.
    pub fn get_or_read<E>(
        &self,
        list: String,
        version: i64,
        read: impl FnOnce() -> Result<Vec<i64>, E>,
    ) -> Result<Arc<Vec<i64>>, E> {
        if let Some((kept_at, ids)) = self.lock().get(&list)
            && *kept_at == version
        {
            return Ok(Arc::clone(ids));
        }
        let ids = Arc::new(read()?);
        let mut lists = self.lock();
        if lists.len() >= MOST_LISTS {
            lists.clear();
        }
        lists.insert(list, (version, Arc::clone(&ids)));
        Ok(ids)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Lists> {
        // A panic while holding the lock leaves at worst an entry that the version check
        // still guards.
        self.lists
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_order_is_read_again_once_the_version_moves() {
        let orders = OpenOrders::default();
        let mut reads = 0;
        let mut get = |list: &str, version: i64, ids: Vec<i64>| {
            orders
                .get_or_read(list.to_owned(), version, || {
                    reads += 1;
                    Ok::<_, ()>(ids)
                })
                .unwrap()
        };
        assert_eq!(*get("a", 1, vec![3, 2]), vec![3, 2]);
        assert_eq!(*get("a", 1, vec![9]), vec![3, 2]);
        assert_eq!(*get("b", 1, vec![7]), vec![7]);
        assert_eq!(*get("a", 2, vec![1]), vec![1]);
        assert_eq!(reads, 3);
    }
}
