//! Fault rules (SPEC section 22): the text of `zs_proxy_fault` parsed into
//! a [`Rules`] set, and the per-message decision a [`Faults`] makes from
//! it with a seeded PRNG, so that one seed gives the same decisions for
//! the same messages. Pure logic: no sockets, no clock.

use std::time::Duration;

use crate::error::{invalid, ZsResult};

/// The seed a direction's PRNG starts from when the rules name none.
pub const DEFAULT_SEED: u64 = 0;

/// One direction's rules; each kind at most once. The default is no
/// rules: every message passes at once, unchanged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rules {
    /// `drop P%`: the chance (0..=1) that a message is dropped.
    pub drop_chance: Option<f64>,
    /// `drop every N`: messages N, 2N, 3N... (counted from the rules'
    /// setting) are dropped.
    pub drop_every: Option<u64>,
    /// `drop next N`: the next N messages are dropped.
    pub drop_next: Option<u64>,
    /// `delay D` or `delay D1..D2` (uniform in the range).
    pub delay: Option<(Duration, Duration)>,
    /// `duplicate P%`: the chance that a message is sent twice.
    pub duplicate: Option<f64>,
    /// `corrupt P%`: the chance that one byte of the last frame is flipped.
    pub corrupt: Option<f64>,
    /// `reorder P%`: the chance that a message is held back behind the
    /// next one.
    pub reorder: Option<f64>,
    /// `pause`: hold everything until the rules change.
    pub pause: bool,
    /// `seed N`.
    pub seed: Option<u64>,
}

impl Rules {
    /// True when no rule is set: messages pass at once, unchanged.
    pub fn is_empty(&self) -> bool {
        *self == Rules::default()
    }

    /// Parse `text`: rules separated by `;`, whitespace anywhere between
    /// words, keywords case-insensitive; `""` (or only blanks) is no
    /// rules. A malformed or repeated rule is `ZS_ERR_INVALID_ARGUMENT`
    /// naming it.
    pub fn parse(text: &str) -> ZsResult<Rules> {
        let mut rules = Rules::default();
        for rule in text.split(';').map(str::trim).filter(|r| !r.is_empty()) {
            rules
                .add(rule)
                .map_err(|why| invalid(format!("rules: '{rule}': {why}")))?;
        }
        Ok(rules)
    }

    fn add(&mut self, rule: &str) -> Result<(), String> {
        let lower = rule.to_ascii_lowercase();
        let (word, rest) = split_word(&lower);
        match word {
            "drop" => {
                let (sub, arg) = split_word(rest);
                match sub {
                    "every" => {
                        let n = count(arg)?;
                        if n == 0 {
                            return Err("'drop every' needs a count of at least 1".into());
                        }
                        once(&mut self.drop_every, n, "drop every")
                    }
                    "next" => once(&mut self.drop_next, count(arg)?, "drop next"),
                    _ => once(&mut self.drop_chance, percent(rest)?, "drop P%"),
                }
            }
            "delay" => once(&mut self.delay, delay_range(rest)?, "delay"),
            "duplicate" => once(&mut self.duplicate, percent(rest)?, "duplicate"),
            "corrupt" => once(&mut self.corrupt, percent(rest)?, "corrupt"),
            "reorder" => once(&mut self.reorder, percent(rest)?, "reorder"),
            "seed" => once(&mut self.seed, count(rest)?, "seed"),
            "pause" => {
                if !rest.is_empty() {
                    return Err("'pause' takes no argument".into());
                }
                if self.pause {
                    return Err("'pause' is given twice".into());
                }
                self.pause = true;
                Ok(())
            }
            _ => Err(format!(
                "unknown rule '{word}' (drop, delay, duplicate, corrupt, reorder, pause, seed)"
            )),
        }
    }
}

/// The first word of `s` and the rest, trimmed.
fn split_word(s: &str) -> (&str, &str) {
    let s = s.trim();
    match s.find(char::is_whitespace) {
        Some(i) => (&s[..i], s[i..].trim()),
        None => (s, ""),
    }
}

/// `s` without any whitespace ("10 %" is "10%").
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn once<T>(slot: &mut Option<T>, v: T, name: &str) -> Result<(), String> {
    if slot.is_some() {
        return Err(format!("'{name}' is given twice"));
    }
    *slot = Some(v);
    Ok(())
}

/// "10%", "0.5 %": a chance from 0 to 1.
fn percent(s: &str) -> Result<f64, String> {
    let s = squeeze(s);
    let number = s
        .strip_suffix('%')
        .ok_or_else(|| format!("'{s}' is not a percentage such as 10%"))?;
    match number.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p / 100.0),
        _ => Err(format!("'{s}' is not a percentage from 0% to 100%")),
    }
}

/// A non-negative integer.
fn count(s: &str) -> Result<u64, String> {
    let s = squeeze(s);
    s.parse::<u64>()
        .map_err(|_| format!("'{s}' is not a whole number"))
}

/// "50ms", "1.5s", "200us": a duration with its unit.
fn duration(s: &str) -> Result<Duration, String> {
    let (number, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = s.strip_suffix("us") {
        (n, 1e-6)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else {
        return Err(format!(
            "'{s}' is not a duration with its unit, such as 50ms, 1s or 200us"
        ));
    };
    match number.parse::<f64>() {
        Ok(v) if v >= 0.0 && (v * scale) <= 3600.0 => Ok(Duration::from_secs_f64(v * scale)),
        _ => Err(format!("'{s}' is not a duration from 0 to 1 hour")),
    }
}

/// "50ms" or "10ms..100ms".
fn delay_range(s: &str) -> Result<(Duration, Duration), String> {
    let s = squeeze(s);
    match s.split_once("..") {
        Some((lo, hi)) => {
            let (lo, hi) = (duration(lo)?, duration(hi)?);
            if lo > hi {
                return Err(format!("'{s}': the range's start is after its end"));
            }
            Ok((lo, hi))
        }
        None => {
            let d = duration(&s)?;
            Ok((d, d))
        }
    }
}

/// splitmix64: small, fast, and the same sequence for a seed everywhere.
#[derive(Clone, Debug)]
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with `chance` (0..=1): never for 0, always for 1.
    fn chance(&mut self, chance: f64) -> bool {
        self.unit() < chance
    }
}

/// What happens to one message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Fate {
    pub drop: bool,
    /// The index of the last frame's byte to flip (`None`: not corrupted;
    /// never set for an empty last frame).
    pub corrupt_at: Option<usize>,
    pub duplicate: bool,
    pub delay: Duration,
    pub reorder: bool,
}

/// One direction's rules in force, with their PRNG and counters.
#[derive(Clone, Debug)]
pub struct Faults {
    rules: Rules,
    prng: Prng,
    /// Messages decided since the rules were set.
    seen: u64,
    /// What is left of `drop next N`.
    drop_next_left: u64,
}

impl Faults {
    /// `rules` taking effect now for direction `index` (0 towards the
    /// service, 1 back): the PRNG starts from the seed mixed with the
    /// direction, so that the two directions do not make the same draws.
    pub fn new(rules: Rules, index: usize) -> Faults {
        let seed = rules.seed.unwrap_or(DEFAULT_SEED);
        let mixed = seed ^ (index as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
        Faults {
            drop_next_left: rules.drop_next.unwrap_or(0),
            rules,
            prng: Prng(mixed),
            seen: 0,
        }
    }

    /// True when nothing is to be done to messages.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// True while `pause` holds the direction.
    pub fn paused(&self) -> bool {
        self.rules.pause
    }

    /// Decide the next message's fate; `last_len` is the length of its
    /// last frame. The PRNG is drawn in a fixed order, once per rule set,
    /// whatever the earlier draws said, so that the draws for a message
    /// depend only on the seed, the rules and the message's number.
    pub fn decide(&mut self, last_len: usize) -> Fate {
        self.seen += 1;
        let r = &self.rules;
        let mut fate = Fate::default();
        if let Some(p) = r.drop_chance {
            fate.drop |= self.prng.chance(p);
        }
        if let Some(n) = r.drop_every {
            fate.drop |= self.seen.is_multiple_of(n);
        }
        if self.drop_next_left > 0 {
            self.drop_next_left -= 1;
            fate.drop = true;
        }
        if let Some(p) = r.corrupt {
            let hit = self.prng.chance(p);
            let at = self.prng.next();
            if hit && last_len > 0 {
                fate.corrupt_at = Some((at % last_len as u64) as usize);
            }
        }
        if let Some(p) = r.duplicate {
            fate.duplicate = self.prng.chance(p);
        }
        if let Some((lo, hi)) = r.delay {
            let span = hi - lo;
            let u = self.prng.unit();
            fate.delay = lo + span.mul_f64(u);
        }
        if let Some(p) = r.reorder {
            fate.reorder = self.prng.chance(p);
        }
        fate
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::zs_result::ZS_ERR_INVALID_ARGUMENT;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn parses_every_rule() {
        let r = Rules::parse(
            "drop 10%; drop every 3; drop next 5; delay 10ms..100ms; duplicate 5%; \
             corrupt 1%; reorder 10%; pause; seed 42",
        )
        .unwrap();
        assert_eq!(r.drop_chance, Some(0.1));
        assert_eq!(r.drop_every, Some(3));
        assert_eq!(r.drop_next, Some(5));
        assert_eq!(r.delay, Some((ms(10), ms(100))));
        assert_eq!(r.duplicate, Some(0.05));
        assert_eq!(r.corrupt, Some(0.01));
        assert_eq!(r.reorder, Some(0.1));
        assert!(r.pause);
        assert_eq!(r.seed, Some(42));
    }

    #[test]
    fn whitespace_and_case_are_tolerated() {
        let r = Rules::parse("  DROP   10 % ;;  delay 10 ms .. 1 s ;\tSeed 7 ; ").unwrap();
        assert_eq!(r.drop_chance, Some(0.1));
        assert_eq!(r.delay, Some((ms(10), ms(1000))));
        assert_eq!(r.seed, Some(7));
        assert_eq!(
            Rules::parse("delay 50ms").unwrap().delay,
            Some((ms(50), ms(50)))
        );
        assert_eq!(
            Rules::parse("delay 250us").unwrap().delay,
            Some((Duration::from_micros(250), Duration::from_micros(250)))
        );
    }

    #[test]
    fn empty_text_is_no_rules() {
        assert!(Rules::parse("").unwrap().is_empty());
        assert!(Rules::parse("  ; ;  ").unwrap().is_empty());
        assert!(!Rules::parse("pause").unwrap().is_empty());
    }

    #[test]
    fn malformed_rules_are_refused_by_name() {
        for (text, rule) in [
            ("drop", "drop"),
            ("drop 10", "drop 10"),
            ("drop 101%", "drop 101%"),
            ("drop -1%", "drop -1%"),
            ("drop every 0", "drop every 0"),
            ("drop every x", "drop every x"),
            ("drop next -2", "drop next -2"),
            ("delay 50", "delay 50"),
            ("delay 5xs", "delay 5xs"),
            ("delay 100ms..10ms", "delay 100ms..10ms"),
            ("delay 2h", "delay 2h"),
            ("duplicate 5", "duplicate 5"),
            ("corrupt", "corrupt"),
            ("reorder 1.5.2%", "reorder 1.5.2%"),
            ("pause now", "pause now"),
            ("seed -1", "seed -1"),
            ("seed 1; seed 2", "seed 2"),
            ("delay 1ms; delay 2ms", "delay 2ms"),
            ("pause; pause", "pause"),
            ("drop 5%; explode 3%", "explode 3%"),
        ] {
            let e = Rules::parse(text).unwrap_err();
            assert_eq!(e.code, ZS_ERR_INVALID_ARGUMENT, "{text}");
            assert!(e.msg.contains(&format!("'{rule}'")), "{text}: {}", e.msg);
        }
    }

    fn fates(text: &str, n: usize) -> Vec<Fate> {
        let mut f = Faults::new(Rules::parse(text).unwrap(), 0);
        (0..n).map(|_| f.decide(10)).collect()
    }

    #[test]
    fn no_rules_change_nothing() {
        assert!(fates("", 100).iter().all(|f| *f == Fate::default()));
    }

    #[test]
    fn drop_every_and_next_count_messages() {
        let every: Vec<bool> = fates("drop every 3", 9).iter().map(|f| f.drop).collect();
        assert_eq!(
            every,
            [false, false, true, false, false, true, false, false, true]
        );
        let next: Vec<bool> = fates("drop next 2", 5).iter().map(|f| f.drop).collect();
        assert_eq!(next, [true, true, false, false, false]);
    }

    #[test]
    fn chances_of_0_and_100_percent_are_exact() {
        assert!(fates("drop 100%; duplicate 100%", 1000)
            .iter()
            .all(|f| f.drop && f.duplicate));
        assert!(fates("drop 0%; reorder 0%", 1000)
            .iter()
            .all(|f| !f.drop && !f.reorder));
    }

    #[test]
    fn a_chance_is_about_right() {
        let n = fates("drop 10%", 100_000).iter().filter(|f| f.drop).count();
        assert!((9_000..11_000).contains(&n), "{n}");
    }

    #[test]
    fn a_seed_gives_the_same_decisions() {
        let text = "drop 30%; duplicate 20%; corrupt 10%; delay 1ms..9ms; reorder 5%; seed 42";
        assert_eq!(fates(text, 1000), fates(text, 1000));
        let other = "drop 30%; duplicate 20%; corrupt 10%; delay 1ms..9ms; reorder 5%; seed 43";
        assert_ne!(fates(text, 1000), fates(other, 1000));
        // The directions draw differently from the same seed.
        let rules = Rules::parse(text).unwrap();
        let (mut a, mut b) = (Faults::new(rules.clone(), 0), Faults::new(rules, 1));
        let a: Vec<Fate> = (0..100).map(|_| a.decide(5)).collect();
        let b: Vec<Fate> = (0..100).map(|_| b.decide(5)).collect();
        assert_ne!(a, b);
    }

    #[test]
    fn delays_stay_in_their_range() {
        for f in fates("delay 10ms..20ms", 1000) {
            assert!(f.delay >= ms(10) && f.delay <= ms(20), "{:?}", f.delay);
        }
        assert!(fates("delay 7ms", 10).iter().all(|f| f.delay == ms(7)));
    }

    #[test]
    fn corruption_picks_a_byte_of_the_last_frame() {
        let mut f = Faults::new(Rules::parse("corrupt 100%").unwrap(), 0);
        for len in 1..50 {
            let at = f.decide(len).corrupt_at.unwrap();
            assert!(at < len);
        }
        // Nothing to flip in an empty last frame.
        assert_eq!(f.decide(0).corrupt_at, None);
    }
}
