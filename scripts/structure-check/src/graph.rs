//! Circles in a directed graph (its strongly connected components of more than one node) and
//! the floors of a graph without them (each node above everything it uses).

/// The groups of nodes that reach each other, each sorted; single nodes are left out.
pub fn circles(next: &[Vec<usize>]) -> Vec<Vec<usize>> {
    let mut tarjan = Tarjan {
        next,
        index: vec![None; next.len()],
        low: vec![0; next.len()],
        on_stack: vec![false; next.len()],
        stack: Vec::new(),
        counter: 0,
        found: Vec::new(),
    };
    for node in 0..next.len() {
        if tarjan.index[node].is_none() {
            tarjan.visit(node);
        }
    }
    let mut found: Vec<Vec<usize>> = tarjan
        .found
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|mut c| {
            c.sort();
            c
        })
        .collect();
    found.sort();
    found
}

struct Tarjan<'g> {
    next: &'g [Vec<usize>],
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    counter: usize,
    found: Vec<Vec<usize>>,
}

impl Tarjan<'_> {
    fn visit(&mut self, node: usize) {
        self.index[node] = Some(self.counter);
        self.low[node] = self.counter;
        self.counter += 1;
        self.stack.push(node);
        self.on_stack[node] = true;
        for &to in &self.next[node] {
            match self.index[to] {
                None => {
                    self.visit(to);
                    self.low[node] = self.low[node].min(self.low[to]);
                }
                Some(i) if self.on_stack[to] => self.low[node] = self.low[node].min(i),
                Some(_) => {}
            }
        }
        if Some(self.low[node]) == self.index[node] {
            let mut group = Vec::new();
            while let Some(top) = self.stack.pop() {
                self.on_stack[top] = false;
                group.push(top);
                if top == node {
                    break;
                }
            }
            self.found.push(group);
        }
    }
}

/// The floor of each node of a graph without circles: 1 for a node that uses nothing, else one
/// more than the highest floor it uses.
pub fn floors(next: &[Vec<usize>]) -> Vec<usize> {
    fn floor(node: usize, next: &[Vec<usize>], known: &mut [Option<usize>]) -> usize {
        if let Some(f) = known[node] {
            return f;
        }
        // Marked before the walk, so that a circle ends instead of recursing forever.
        known[node] = Some(1);
        let f = 1 + next[node]
            .iter()
            .map(|&to| floor(to, next, known))
            .max()
            .unwrap_or(0);
        known[node] = Some(f);
        f
    }
    let mut known = vec![None; next.len()];
    (0..next.len())
        .map(|n| floor(n, next, &mut known))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_circle_once() {
        // 0 → 1 → 2 → 0, 3 → 4 → 3, 5 alone, 2 → 5
        let next = vec![vec![1], vec![2], vec![0, 5], vec![4], vec![3], vec![]];
        assert_eq!(circles(&next), vec![vec![0, 1, 2], vec![3, 4]]);
    }

    #[test]
    fn a_graph_without_circles_has_floors() {
        let next = vec![vec![1, 2], vec![2], vec![]];
        assert!(circles(&next).is_empty());
        assert_eq!(floors(&next), vec![3, 2, 1]);
    }
}
