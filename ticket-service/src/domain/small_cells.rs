//! Complementary suppression of small cells. A table hides its small counts, but when its
//! cells add up to a total the reader can see (a total row or column, or a figure given
//! elsewhere on the page), one hidden cell alone is recovered by subtracting the others from
//! the total. So a second cell is hidden with it: the smallest of the others, which gives the
//! least away. With two or more hidden the reader learns only their sum.

/// The cells to hide among `counts`, in the same order: those `hidden` already, and, when the
/// cells add up to a total shown to the reader (`has_total`) and exactly one is hidden, the
/// smallest other one (the first of equals).
pub fn complementary(counts: &[u64], hidden: &[bool], has_total: bool) -> Vec<bool> {
    assert_eq!(counts.len(), hidden.len(), "one flag per cell");
    let mut out = hidden.to_vec();
    if !has_total || hidden.iter().filter(|h| **h).count() != 1 {
        return out;
    }
    let second = counts
        .iter()
        .zip(hidden)
        .enumerate()
        .filter(|(_, (_, hidden))| !**hidden)
        .min_by_key(|(index, (count, _))| (**count, *index))
        .map(|(index, _)| index);
    if let Some(index) = second {
        out[index] = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn below_five(counts: &[u64]) -> Vec<bool> {
        counts.iter().map(|n| *n < 5).collect()
    }

    #[test]
    fn one_hidden_cell_in_a_row_with_a_total_hides_the_smallest_other() {
        let counts = [12, 3, 7, 40];
        let hidden = complementary(&counts, &below_five(&counts), true);
        assert_eq!(hidden, [false, true, true, false]);
        // The total minus the cells still shown no longer gives a single hidden count.
        let total: u64 = counts.iter().sum();
        let shown: u64 = counts
            .iter()
            .zip(&hidden)
            .filter(|(_, h)| !**h)
            .map(|(n, _)| n)
            .sum();
        assert_eq!(total - shown, 3 + 7);
    }

    #[test]
    fn the_first_of_equal_smallest_cells_is_the_one_hidden() {
        let counts = [9, 9, 2];
        assert_eq!(
            complementary(&counts, &below_five(&counts), true),
            [true, false, true]
        );
    }

    #[test]
    fn two_hidden_cells_need_nothing_more() {
        let counts = [12, 3, 1, 40];
        assert_eq!(
            complementary(&counts, &below_five(&counts), true),
            [false, true, true, false]
        );
    }

    #[test]
    fn a_table_without_a_total_hides_nothing_more() {
        let counts = [12, 3, 7, 40];
        assert_eq!(
            complementary(&counts, &below_five(&counts), false),
            [false, true, false, false]
        );
    }

    #[test]
    fn nothing_hidden_or_nothing_else_to_hide_changes_nothing() {
        let counts = [12, 30];
        assert_eq!(
            complementary(&counts, &below_five(&counts), true),
            [false, false]
        );
        assert_eq!(complementary(&[2], &[true], true), [true]);
        assert!(complementary(&[], &[], true).is_empty());
    }
}
