//! The statistics as labelled tables, the same for the page and the CSV: the indicators with
//! the previous period beside them, the tables of counts, and the appointment figures of each
//! kind.

use std::collections::HashMap;

use super::dimensions::dimension_tables;
use super::load::Loaded;
use super::model::{Context, KindLine, Row, Statistics, Value, row};
use crate::db::statistics::BookingLine;
use crate::domain::statistics::bookings::{
    BookingFacts, BookingFigures, BookingOutcome, booking_figures, seats_offered,
};
use crate::domain::statistics::figures::ReportFigures;
use crate::domain::statistics::measures::{Disclosure, Share, Spread};
use crate::domain::statistics::period::Period;

pub(crate) fn build(context: &Context<'_>, loaded: Loaded) -> Statistics {
    let previous_period = context.period.previous();
    let (current, previous) = (&loaded.current, &loaded.previous);
    let (kinds, totals) = appointment_lines(context, context.period, &loaded.bookings, &loaded);
    let (_, previous_totals) =
        appointment_lines(context, previous_period, &loaded.previous_bookings, &loaded);
    let mut indicators = report_indicators(current, previous, context.disclosure);
    indicators.extend(booking_indicators(
        &totals,
        &previous_totals,
        context.disclosure,
    ));
    let tables = dimension_tables(context, current, previous, &loaded);
    Statistics {
        period: context.period,
        previous: previous_period,
        disclosure: context.disclosure,
        indicators,
        tables,
        kinds,
    }
}

fn report_indicators(now: &ReportFigures, before: &ReportFigures, d: Disclosure) -> Vec<Row> {
    let spreads = |label: &str, now: Spread, before: Spread| {
        [
            row(
                &format!("{label}: mediana (giorni)"),
                Value::median(now, d),
                Value::median(before, d),
            ),
            row(
                &format!("{label}: 90° percentile (giorni)"),
                Value::p90(now, d),
                Value::p90(before, d),
            ),
        ]
    };
    let shares = |label: &str, now: Share, before: Share| {
        row(label, Value::share(now, d), Value::share(before, d))
    };
    let mut rows = vec![
        row(
            "Segnalazioni inviate",
            Value::count(now.total, d),
            Value::count(before.total, d),
        ),
        row(
            "Segnalazioni con una risposta pubblicata",
            Value::count(now.first_answer.count, d),
            Value::count(before.first_answer.count, d),
        ),
    ];
    rows.extend(spreads(
        "Tempo dall’invio alla prima risposta",
        now.first_answer,
        before.first_answer,
    ));
    rows.extend(spreads(
        "Attesa presso la Questura",
        now.waiting_questura,
        before.waiting_questura,
    ));
    rows.extend(spreads(
        "Attesa presso la Prefettura",
        now.waiting_prefettura,
        before.waiting_prefettura,
    ));
    rows.extend([
        shares(
            "Riaperte, tra quelle con risposta (%)",
            now.reopened,
            before.reopened,
        ),
        shares(
            "Risposte validate, tra quelle con risposta (%)",
            now.validated,
            before.validated,
        ),
        shares(
            "Risposte rifiutate almeno una volta (%)",
            now.refused,
            before.refused,
        ),
        shares(
            "In ritardo oggi, sul totale (%)",
            now.overdue,
            before.overdue,
        ),
    ]);
    rows
}

fn booking_indicators(now: &BookingFigures, before: &BookingFigures, d: Disclosure) -> Vec<Row> {
    let counts = |label: &str, pick: fn(&BookingFigures) -> u64| {
        row(
            label,
            Value::count(pick(now), d),
            Value::count(pick(before), d),
        )
    };
    vec![
        counts("Appuntamenti: posti offerti", |f| f.seats),
        counts("Appuntamenti: posti prenotati", |f| f.used),
        counts("Appuntamenti: posti rimasti liberi", |f| f.free),
        counts("Appuntamenti: prenotazioni annullate", |f| f.cancelled),
        row(
            "Appuntamenti: assenze, tra le presenze registrate (%)",
            Value::share(now.no_show_share, d),
            Value::share(before.no_show_share, d),
        ),
        row(
            "Appuntamenti: anticipo della prenotazione, mediana (giorni)",
            Value::median(now.lead, d),
            Value::median(before.lead, d),
        ),
        row(
            "Appuntamenti: anticipo della prenotazione, 90° percentile (giorni)",
            Value::p90(now.lead, d),
            Value::p90(before.lead, d),
        ),
    ]
}

/// The figures of each kind of appointment in `period`, and of all kinds together.
fn appointment_lines(
    context: &Context<'_>,
    period: Period,
    bookings: &[BookingLine],
    loaded: &Loaded,
) -> (Vec<KindLine>, BookingFigures) {
    let mut by_kind: HashMap<i64, Vec<BookingFacts>> = HashMap::new();
    for booking in bookings {
        let Some(outcome) = BookingOutcome::from_state(&booking.state) else {
            continue;
        };
        let starts = booking
            .starts_at
            .to_zoned(context.zone.clone())
            .map_or(booking.created_at, |zoned| zoned.timestamp().as_second());
        let facts = BookingFacts {
            outcome,
            lead_secs: starts - booking.created_at,
        };
        by_kind.entry(booking.kind_id).or_default().push(facts);
    }
    let mut lines = Vec::new();
    let (mut seats_in_all, mut all) = (0, Vec::new());
    for (id, name, kind) in &loaded.kinds {
        let seats = kind.as_ref().map_or(0, |kind| {
            seats_offered(&kind.plan, period, context.calendar)
        });
        let facts = by_kind.remove(id).unwrap_or_default();
        if seats == 0 && facts.is_empty() {
            continue;
        }
        lines.push(kind_line(
            name,
            &booking_figures(seats, &facts),
            context.disclosure,
        ));
        seats_in_all += seats;
        all.extend(facts);
    }
    let totals = booking_figures(seats_in_all, &all);
    if lines.len() > 1 {
        lines.push(kind_line("Totale", &totals, context.disclosure));
    }
    (lines, totals)
}

fn kind_line(name: &str, figures: &BookingFigures, d: Disclosure) -> KindLine {
    KindLine {
        name: name.to_owned(),
        seats: Value::count(figures.seats, d),
        used: Value::count(figures.used, d),
        free: Value::count(figures.free, d),
        cancelled: Value::count(figures.cancelled, d),
        attended: Value::count(figures.attended, d),
        no_shows: Value::count(figures.no_shows, d),
        no_show_share: Value::share(figures.no_show_share, d),
        lead_median: Value::median(figures.lead, d),
        lead_p90: Value::p90(figures.lead, d),
    }
}
