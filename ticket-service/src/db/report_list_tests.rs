//! The list read in stretches gives, page by page, exactly what one query sorting every report
//! gives, for every scope, order and state filter, before and after reports change.

use super::*;
use crate::db::Db;
use crate::domain::organisation::OrganisationKind;

/// The list's order as one query sorting every report in scope: what the stretches replace.
fn sorted_ids(conn: &Connection, list: &ReportList) -> Vec<i64> {
    let (kind, org, inst) = match list.scope {
        ReportScope::All => (0, 0, ""),
        ReportScope::Organisation(id) => (1, id, ""),
        ReportScope::Institution(kind) => (2, 0, kind.as_str()),
    };
    let rank = "COALESCE(NULLIF(instr(?9, ',' || r.urgency || ','), 0), 1000000000)";
    let sql = format!(
        "SELECT r.id FROM reports r
         WHERE (?1 = 0 OR (?1 = 1 AND r.organisation_id = ?2) OR (?1 = 2 AND r.institution = ?3))
           AND (?4 = '' OR r.state = ?4)
         ORDER BY instr(?5, ',' || r.state || ',') > 0,
                  NOT (instr(?6, ',' || r.state || ',') > 0 AND r.due_date < ?7),
                  CASE WHEN ?8 THEN r.due_date ELSE {rank} END,
                  CASE WHEN ?8 THEN {rank} ELSE r.due_date END,
                  r.id DESC"
    );
    let mut statement = conn.prepare(&sql).unwrap();
    statement
        .query_map(
            params![
                kind,
                org,
                inst,
                list.state.map_or("", ReportState::as_str),
                states_where(ReportState::is_answered),
                states_where(ReportState::clock_runs),
                list.today,
                list.by_due_date,
                list.codes_param(),
            ],
            |row| row.get(0),
        )
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// States as one parameter, `,a,b,`, for `instr(?, ',' || state || ',')`: the rule of which
/// states count stays in the domain's one place.
fn states_where(rule: impl Fn(ReportState) -> bool) -> String {
    let mut list = String::from(",");
    for state in ReportState::ALL.into_iter().filter(|state| rule(*state)) {
        list.push_str(state.as_str());
        list.push(',');
    }
    list
}

/// A small deterministic generator, so a failure can be replayed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % sides as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.roll(from.len())]
    }
}

const CODES: [&str; 4] = ["U1", "U2", "U3", "X9"];
const DAYS: [&str; 6] = [
    "2026-11-10",
    "2026-11-19",
    "2026-11-20",
    "2026-11-21",
    "2026-12-01",
    "2026-12-15",
];

fn seeded(reports: usize, dice: &mut Dice) -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("db.sqlite3")).unwrap();
    let states: Vec<&str> = ReportState::ALL.iter().map(|s| s.as_str()).collect();
    let rows: Vec<(usize, &str, &str, &str, &str)> = (0..reports)
        .map(|_| {
            (
                1 + dice.roll(3),
                dice.pick(&["questura", "prefettura"]),
                dice.pick(&states),
                dice.pick(&CODES),
                dice.pick(&DAYS),
            )
        })
        .collect();
    db.call_blocking(move |c| {
        let tx = c.transaction()?;
        tx.execute_batch(
            "INSERT INTO organisations (id, slug, name, kind, source, updated_at) VALUES
                 (1, 'a', 'A', 'office', 'demo', 0), (2, 'b', 'B', 'office', 'demo', 0),
                 (3, 'c', 'C', 'office', 'demo', 0);
             INSERT INTO users (id, username, display_name, email, role, organisation_id,
                                password_hash, created_at, password_changed_at)
             VALUES (1, 'a', 'A', 'a@example.invalid', 'sportello', 1, 'x', 0, 0);",
        )?;
        for (n, (org, institution, state, urgency, due)) in rows.into_iter().enumerate() {
            tx.execute(
                "INSERT INTO reports (year, sequence, protocol, organisation_id, filed_by, kind,
                     addressed_office, institution, file_kind, citizen_family_name,
                     citizen_given_name, description, urgency, urgency_reason, state, due_date,
                     submission_key, created_at, updated_at)
                 VALUES (2026, ?1, 'P' || ?1, ?2, 1, 'parere', 'questura_immigrazione', ?3,
                         'permesso_soggiorno', 'R', 'A', 'd', ?4,
                         'r', ?5, ?6, 'k' || ?1, 0, 0)",
                params![n as i64, org as i64, institution, urgency, state, due],
            )?;
        }
        tx.commit()
    })
    .unwrap();
    (dir, db)
}

fn lists() -> Vec<ReportList> {
    let scopes = [
        ReportScope::All,
        ReportScope::Organisation(2),
        ReportScope::Institution(OrganisationKind::Questura),
    ];
    let filters = std::iter::once(None).chain(ReportState::ALL.into_iter().map(Some));
    let mut lists = Vec::new();
    for filter in filters {
        for scope in scopes {
            for by_due_date in [false, true] {
                lists.push(ReportList {
                    scope,
                    state: filter,
                    by_due_date,
                    today: "2026-11-20".to_owned(),
                    urgency_codes: vec!["U1".to_owned(), "U2".to_owned(), "U3".to_owned()],
                });
            }
        }
    }
    lists
}

/// Every page of every list, of 7 reports (so pages straddle the stretches), against the
/// single sorting query, read afresh and through the database's kept orders of the reports
/// still to be answered (kept from the earlier calls of the test); and the count against its
/// length.
fn assert_same_lists(db: &Db) {
    for list in lists() {
        for kept in [false, true] {
            let orders = kept.then(|| db.open_orders());
            let (expected, stretched, counted) = {
                let list = list.clone();
                db.call_blocking(move |c| {
                    let orders = orders.as_deref();
                    let expected = sorted_ids(c, &list);
                    let mut pages = Vec::new();
                    for offset in (0..expected.len() as i64 + 7).step_by(7) {
                        let rows = page(c, &list, 7, offset, orders)?;
                        pages.extend(rows.into_iter().map(|row| row.id));
                    }
                    let all = page(c, &list, -1, 0, orders)?;
                    let all: Vec<i64> = all.iter().map(|r| r.id).collect();
                    assert_eq!(all, pages, "one read of all, {list:?}");
                    Ok((expected, pages, count(c, &list)?))
                })
                .unwrap()
            };
            assert_eq!(stretched, expected, "kept orders: {kept}, {list:?}");
            assert_eq!(counted, expected.len() as i64, "{list:?}");
        }
    }
}

#[test]
fn the_list_read_in_stretches_equals_one_sorting_query_before_and_after_changes() {
    let mut dice = Dice(7);
    let (_dir, db) = seeded(400, &mut dice);
    assert_same_lists(&db);
    // The counts follow every change of state, urgency, office and institution, and removals.
    let changes: Vec<(i64, &str, &str, i64, &str)> = (0..150)
        .map(|_| {
            let states: Vec<&str> = ReportState::ALL.iter().map(|s| s.as_str()).collect();
            (
                1 + dice.roll(400) as i64,
                dice.pick(&states),
                dice.pick(&CODES),
                1 + dice.roll(3) as i64,
                dice.pick(&["questura", "prefettura"]),
            )
        })
        .collect();
    db.call_blocking(move |c| {
        let tx = c.transaction()?;
        for (id, state, urgency, org, institution) in changes {
            tx.execute(
                "UPDATE reports SET state = ?2, urgency = ?3, organisation_id = ?4,
                        institution = ?5 WHERE id = ?1",
                params![id, state, urgency, org, institution],
            )?;
        }
        tx.execute("DELETE FROM reports WHERE id % 9 = 0", [])?;
        tx.commit()
    })
    .unwrap();
    assert_same_lists(&db);
    // A due date alone moves a report among those still to be answered: overdue now.
    db.call_blocking(|c| {
        c.execute(
            "UPDATE reports SET due_date = '2026-01-02' WHERE id % 5 = 1",
            [],
        )
    })
    .unwrap();
    assert_same_lists(&db);
    // A new report still to be answered, the most urgent and overdue: first of its lists.
    db.call_blocking(|c| {
        c.execute(
            "INSERT INTO reports (year, sequence, protocol, organisation_id, filed_by, kind,
                 addressed_office, institution, file_kind, citizen_family_name,
                 citizen_given_name, description, urgency, urgency_reason, state, due_date,
                 submission_key, created_at, updated_at)
             VALUES (2026, 9999, 'P9999', 2, 1, 'parere', 'questura_immigrazione', 'questura',
                     'permesso_soggiorno', 'R', 'A', 'd', 'U1', 'r', 'nuova', '2026-01-01',
                     'k9999', 0, 0)",
            [],
        )
    })
    .unwrap();
    assert_same_lists(&db);
}

#[test]
fn answered_reports_never_have_a_running_clock() {
    // The stretches of answered reports leave out the overdue rule, which only concerns
    // reports whose clock runs.
    for state in ReportState::ALL {
        assert!(!(state.is_answered() && state.clock_runs()), "{state}");
    }
}
