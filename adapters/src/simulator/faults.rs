//! Fault injection, the same in every simulator: a plan that makes every
//! `every`th request fail, taking the simulator's own faults in turn, and
//! the count of requests it is measured against.

/// Every `every`th request (the 3rd, 6th, … for 3) fails with the next
/// fault of `faults`, in turn. Each simulator says which requests count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultPlan<F> {
    pub every: u32,
    pub faults: Vec<F>,
}

impl<F: Copy> FaultPlan<F> {
    /// The fault that request number `request` (counted from 1) answers
    /// with, when `injected` faults have been injected before it.
    fn due(&self, request: u32, injected: usize) -> Option<F> {
        let due = self.every > 0 && !self.faults.is_empty() && request.is_multiple_of(self.every);
        due.then(|| self.faults[injected % self.faults.len()])
    }
}

/// A simulator's fault plan as it runs: the requests counted since the plan
/// was set, and the faults injected so far, to take the next one in turn.
#[derive(Debug)]
pub(crate) struct Faults<F> {
    plan: Option<FaultPlan<F>>,
    requests: u32,
    injected: usize,
}

impl<F> Default for Faults<F> {
    fn default() -> Self {
        Self {
            plan: None,
            requests: 0,
            injected: 0,
        }
    }
}

impl<F: Copy> Faults<F> {
    /// Starts (or, with `None`, stops) injecting faults. The count of
    /// requests restarts, so "every third" means the third from now.
    pub(crate) fn set_plan(&mut self, plan: Option<FaultPlan<F>>) {
        *self = Self {
            plan,
            ..Self::default()
        };
    }

    /// Counts one request, and answers the fault it must fail with, if one
    /// is due.
    pub(crate) fn on_request(&mut self) -> Option<F> {
        self.requests += 1;
        let fault = self.plan.as_ref()?.due(self.requests, self.injected)?;
        self.injected += 1;
        Some(fault)
    }

    /// Requests counted since start or the last [`Self::set_plan`].
    pub(crate) fn requests(&self) -> u32 {
        self.requests
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_nth_request_fails_with_the_faults_in_turn() {
        let plan = FaultPlan {
            every: 3,
            faults: vec!['a', 'b'],
        };
        let mut injected = 0;
        let mut answers = vec![];
        for request in 1..=12 {
            let fault = plan.due(request, injected);
            injected += usize::from(fault.is_some());
            answers.push(fault);
        }
        let n = None;
        assert_eq!(
            answers,
            [
                n,
                n,
                Some('a'),
                n,
                n,
                Some('b'),
                n,
                n,
                Some('a'),
                n,
                n,
                Some('b')
            ]
        );
    }

    #[test]
    fn an_empty_plan_fails_nothing() {
        let never = FaultPlan::<char> {
            every: 0,
            faults: vec!['a'],
        };
        let nothing = FaultPlan::<char> {
            every: 1,
            faults: vec![],
        };
        assert_eq!(never.due(3, 0), None);
        assert_eq!(nothing.due(3, 0), None);
    }
}
