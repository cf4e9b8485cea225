//! A team member named the way a rep names them: `Diego` or `diego f` for "Diego Fernández". A saved view's
//! `assigned_to` and `--assigned-to` both go through here, so a name that works in one works in the other,
//! and one that names nobody (or several) is refused with the candidates instead of being dropped.

use novala_leads::tenant::Member;

/// Who `who` names in `team`: `Ok(Some(member))` for a member's id, whole name (any case), or a unique start
/// of their name or of one of its words; `Ok(None)` for `me` or a user id outside the team (passed on as
/// they are); otherwise why not, with the candidates.
pub fn member<'t>(who: &str, team: &'t [Member]) -> Result<Option<&'t Member>, MemberError> {
    let who = who.trim();
    if who == "me" {
        return Ok(None);
    }
    let wanted = who.to_lowercase();
    if let Some(m) = team
        .iter()
        .find(|m| m.id.eq_ignore_ascii_case(who) || m.name.to_lowercase() == wanted)
    {
        return Ok(Some(m));
    }
    if crate::rules::is_uuid(who) {
        return Ok(None);
    }
    let matches: Vec<&Member> = team.iter().filter(|m| starts_a_word(&m.name, &wanted)).collect();
    match matches.as_slice() {
        [one] => Ok(Some(one)),
        [] => Err(MemberError::Nobody {
            who: who.to_string(),
            team: names(team.iter()),
        }),
        several => Err(MemberError::Several {
            who: who.to_string(),
            candidates: names(several.iter().copied()),
        }),
    }
}

/// The user id `who` names: `me` (the profile's own), a team member as [`member`] finds them, or a user id
/// outside the team (in lower case, as the tenant writes ids).
pub fn assignee_id(who: &str, me: Option<&str>, team: &[Member]) -> Result<String, MemberError> {
    let who = who.trim();
    if who == "me" {
        return me.map(str::to_string).ok_or(MemberError::NoMe);
    }
    Ok(match member(who, team)? {
        Some(m) => m.id.clone(),
        None => who.to_lowercase(),
    })
}

/// Why a name names no one member of the team.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MemberError {
    #[error("nobody in the team is called `{who}`; the team is {}", listed(team).unwrap_or_else(|| "empty (add `team = [...]` to the profile)".to_string()))]
    Nobody { who: String, team: Vec<String> },
    #[error("`{who}` could be {}; write more of the name", listed(candidates).unwrap_or_default())]
    Several { who: String, candidates: Vec<String> },
    #[error("`me` needs `me = \"<your user id>\"` in the profile")]
    NoMe,
}

/// `wanted` (lower case) begins the name, or one of its words.
fn starts_a_word(name: &str, wanted: &str) -> bool {
    if wanted.is_empty() {
        return false;
    }
    let name = name.to_lowercase();
    name.starts_with(wanted)
        || name
            .char_indices()
            .filter(|(i, _)| *i > 0 && name[..*i].ends_with(char::is_whitespace))
            .any(|(i, _)| name[i..].starts_with(wanted))
}

fn names<'m>(members: impl Iterator<Item = &'m Member>) -> Vec<String> {
    members.map(|m| m.name.clone()).collect()
}

/// `"Maya Johnson", "Mia Nguyễn"`, or `None` for nobody.
fn listed(names: &[String]) -> Option<String> {
    let all: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    (!all.is_empty()).then(|| all.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn team() -> Vec<Member> {
        [("1", "Diego Fernández"), ("2", "Maya Johnson"), ("3", "Mia Nguyễn")]
            .iter()
            .map(|(id, name)| Member {
                id: id.to_string(),
                name: name.to_string(),
            })
            .collect()
    }

    #[test]
    fn a_first_name_a_last_name_or_a_start_names_one_member() {
        let team = team();
        for who in ["Diego", "diego", "fern", "Diego Fernández", "DIEGO FERNÁNDEZ", "1"] {
            assert_eq!(member(who, &team).unwrap().map(|m| m.id.as_str()), Some("1"), "{who}");
        }
        assert_eq!(member("me", &team).unwrap(), None);
    }

    #[test]
    fn several_or_none_are_refused_with_the_candidates() {
        let team = team();
        let why = member("M", &team).unwrap_err();
        assert!(matches!(&why, MemberError::Several { candidates, .. } if candidates.len() == 2));
        let why = why.to_string();
        assert!(
            why.contains("\"Maya Johnson\"") && why.contains("\"Mia Nguyễn\""),
            "{why}"
        );
        let why = member("Zoe", &team).unwrap_err();
        assert!(matches!(&why, MemberError::Nobody { .. }));
        let why = why.to_string();
        assert!(why.contains("nobody") && why.contains("\"Diego Fernández\""), "{why}");
    }
}
