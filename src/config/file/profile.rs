//! A profile's table of the config file: its tenant, where its key comes from, its team, custom fields,
//! saved views and form defaults, each value checked where it is written.

use super::*;

pub(super) fn read_profile(
    reader: &mut Reader<'_>,
    name: &str,
    span: Range<usize>,
    table: &DeTable<'_>,
) -> ProfileConfig {
    let path = format!("profiles.{name}");
    let mut profile = ProfileConfig {
        name: name.to_string(),
        at: reader.lines.at(span.start),
        url: None,
        key: None,
        allow_insecure_http: false,
        me: None,
        team: Vec::new(),
        custom_fields: Vec::new(),
        views: Vec::new(),
        form_defaults: FormDefaults::new(),
        mirror: false,
        sync_rate: None,
        commands: Vec::new(),
    };
    let mut sources: Vec<(String, Range<usize>)> = Vec::new();
    for (k, v) in reader.entries(table, &path, PROFILE_KEYS) {
        let key: &str = k.get_ref();
        let full = join(&path, key);
        match key {
            "url" => {
                if let Some(url) = reader.string(v, &full) {
                    let url = url.trim().to_string();
                    if !(url.starts_with("https://") || url.starts_with("http://")) {
                        reader.problem(
                            v.span(),
                            &full,
                            "must start with https:// (or http:// for a loopback address)",
                        );
                    }
                    profile.url = Some(reader.located(url, v.span()));
                }
            }
            "key_env" | "key_command" | "key" => {
                if let Some(source) = read_key_source(reader, key, &full, v) {
                    sources.push((key.to_string(), k.span()));
                    profile.key = Some(reader.located(source, k.span()));
                }
            }
            "keyring" if reader.boolean(v, &full) == Some(true) => {
                sources.push((key.to_string(), k.span()));
                profile.key = Some(reader.located(KeySource::Keyring, k.span()));
            }
            "allow_insecure_http" => profile.allow_insecure_http = reader.boolean(v, &full).unwrap_or(false),
            "mirror" => profile.mirror = reader.boolean(v, &full).unwrap_or(false),
            "sync_rate" => profile.sync_rate = read_sync_rate(reader, &full, v),
            "commands" => profile.commands = read_commands(reader, &full, v),
            "me" => {
                if let Some(me) = reader.string(v, &full) {
                    if rules::is_uuid(me.trim()) {
                        profile.me = Some(me.trim().to_lowercase());
                    } else {
                        reader.problem(v.span(), &full, "must be your user id in the tenant (a UUID)");
                    }
                }
            }
            "team" => {
                for (i, item) in reader.tables(v, &full) {
                    let item_path = format!("{full}[{i}]");
                    let Some(t) = reader.table(item, &item_path) else {
                        continue;
                    };
                    if let Some(member) = read_member(reader, &item_path, item.span(), t) {
                        profile.team.push(member);
                    }
                }
            }
            "custom_fields" => {
                for (i, item) in reader.tables(v, &full) {
                    let item_path = format!("{full}[{i}]");
                    let Some(t) = reader.table(item, &item_path) else {
                        continue;
                    };
                    if let Some(def) = read_custom_field(reader, &item_path, item.span(), t) {
                        if profile.custom_fields.iter().any(|d| d.key == def.key) {
                            reader.problem(item.span(), &item_path, format!("`{}` is defined twice", def.key));
                        }
                        profile.custom_fields.push(def);
                    }
                }
            }
            "form_defaults" => profile.form_defaults = read_form_defaults(reader, &full, v),
            "views" => {
                for (i, item) in reader.tables(v, &full) {
                    let item_path = format!("{full}[{i}]");
                    let Some(t) = reader.table(item, &item_path) else {
                        continue;
                    };
                    if let Some(view) = read_view(reader, &item_path, item.span(), t) {
                        profile.views.push(view);
                    }
                }
            }
            _ => {}
        }
    }
    if sources.len() > 1 {
        let names: Vec<&str> = sources.iter().map(|(n, _)| n.as_str()).collect();
        let span = sources[1].1.clone();
        reader.problem(
            span,
            &path,
            format!(
                "says where its key comes from more than once ({}); keep exactly one",
                names.join(", ")
            ),
        );
    }
    if profile.url.is_none() {
        reader.problem(
            span.clone(),
            &path,
            "has no `url`, e.g. url = \"https://acme.novala.ai\"",
        );
    }
    if let Some(me) = &profile.me
        && !profile.team.is_empty()
        && !profile.team.iter().any(|m| &m.id == me)
    {
        reader.problem(
            span,
            &join(&path, "me"),
            "is not in `team`; add yourself to the team so your name shows",
        );
    }
    profile
}

/// Where a profile's key comes from (`key_env`, `key_command` or `key`), when the value can be one.
fn read_key_source(
    reader: &mut Reader<'_>,
    key: &str,
    full: &str,
    v: &toml::Spanned<DeValue<'_>>,
) -> Option<KeySource> {
    let value = reader.string(v, full)?;
    if value.trim().is_empty() {
        reader.problem(v.span(), full, "is empty");
        return None;
    }
    // A key pasted where its source belongs would otherwise be echoed by every message that names the
    // variable or the command; these messages never repeat the value.
    if key == "key_env" && !is_env_name(value.trim()) {
        reader.problem(
            v.span(),
            full,
            "must be the name of an environment variable (letters, digits, underscores), \
             e.g. key_env = \"ACME_NOVALA_KEY\"",
        );
        return None;
    }
    if key == "key_command" && looks_like_a_key(&value) {
        reader.problem(
            v.span(),
            full,
            "looks like a key, not a command that prints one; keep the key in the OS keyring \
             (keyring = true, then leadbox key set) or run a password manager here",
        );
        return None;
    }
    Some(match key {
        "key_env" => KeySource::Env(value.trim().to_string()),
        "key_command" => KeySource::Command(value),
        _ => KeySource::InFile(value.trim().to_string()),
    })
}

/// `ACME_NOVALA_KEY`: what a shell accepts as a variable's name.
fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Novala's keys start `sk_` or `pk_`; a command's first word does not.
fn looks_like_a_key(command: &str) -> bool {
    let first = command.split_whitespace().next().unwrap_or("");
    first.starts_with("sk_") || first.starts_with("pk_")
}

fn read_member(reader: &mut Reader<'_>, path: &str, span: Range<usize>, t: &DeTable<'_>) -> Option<Member> {
    let (mut id, mut name) = (None, None);
    for (k, v) in reader.entries(t, path, MEMBER_KEYS) {
        let key: &str = k.get_ref();
        let full = join(path, key);
        let Some(s) = reader.string(v, &full) else { continue };
        match key {
            "id" if rules::is_uuid(s.trim()) => id = Some(s.trim().to_lowercase()),
            "id" => reader.problem(v.span(), &full, "must be the user's id (a UUID)"),
            _ => name = Some(s),
        }
    }
    if id.is_none() {
        reader.problem(span, path, "needs an `id`");
    }
    Some(Member {
        id: id?,
        name: name.unwrap_or_default(),
    })
}

fn read_custom_field(
    reader: &mut Reader<'_>,
    path: &str,
    span: Range<usize>,
    t: &DeTable<'_>,
) -> Option<CustomFieldDef> {
    let mut key = None;
    let mut label = None;
    let mut kind = None;
    let mut required = false;
    let mut options = Vec::new();
    let mut hint = None;
    let mut options_at = None;
    for (k, v) in reader.entries(t, path, FIELD_KEYS) {
        let name: &str = k.get_ref();
        let full = join(path, name);
        match name {
            "key" => {
                let Some(s) = reader.string(v, &full) else { continue };
                if rules::is_custom_field_key(&s) {
                    key = Some(s);
                } else {
                    reader.problem(v.span(), &full, "must be lowercase letters, digits and underscores");
                }
            }
            "label" => label = reader.string(v, &full),
            "kind" => {
                let Some(s) = reader.string(v, &full) else { continue };
                match CustomFieldKind::parse(&s) {
                    Some(k) => kind = Some(k),
                    None => {
                        let kinds: Vec<&str> = CustomFieldKind::ALL.iter().map(|k| k.as_str()).collect();
                        let hint = closest(&s, &kinds)
                            .map(|k| format!("did you mean `{k}`? "))
                            .unwrap_or_default();
                        reader.problem(
                            v.span(),
                            &full,
                            format!("`{s}` is not a kind; {hint}the kinds are {}", kinds.join(", ")),
                        );
                    }
                }
            }
            "required" => required = reader.boolean(v, &full).unwrap_or(false),
            "options" => {
                options = reader.strings(v, &full).unwrap_or_default();
                options_at = Some(v.span());
            }
            // `unit` and `hint` both end up as the form's hint under the field.
            _ => hint = reader.string(v, &full),
        }
    }
    // A key or kind that was written but wrong has been reported already.
    let written = |name: &str| t.iter().any(|(k, _)| k.get_ref() == name);
    let (Some(key), Some(kind)) = (key, kind) else {
        for name in ["key", "kind"] {
            if !written(name) {
                reader.problem(span.clone(), path, format!("needs a `{name}`"));
            }
        }
        return None;
    };
    let listed = matches!(kind, CustomFieldKind::Dropdown | CustomFieldKind::MultiSelect);
    if listed && options.is_empty() {
        reader.problem(span.clone(), path, format!("a {} field needs `options`", kind.as_str()));
    }
    if !listed && let Some(at) = options_at {
        reader.problem(
            at,
            &join(path, "options"),
            format!(
                "only dropdown and multi_select fields take options, not {}",
                kind.as_str()
            ),
        );
    }
    let mut def = CustomFieldDef::new(&key, label.as_deref().unwrap_or(&key), kind, required, &[]);
    def.options = options;
    def.hint = hint;
    Some(def)
}

pub(super) fn read_form_defaults(reader: &mut Reader<'_>, path: &str, value: &Spanned<DeValue<'_>>) -> FormDefaults {
    use crate::model::DraftValue;
    let mut out = FormDefaults::new();
    let Some(table) = reader.table(value, path) else {
        return out;
    };
    let mut known: Vec<&str> = FORM_DEFAULT_KEYS.iter().map(|(k, _)| *k).collect();
    known.push("custom_fields");
    for (k, v) in reader.entries(table, path, &known) {
        let key: &str = k.get_ref();
        let full = join(path, key);
        if key == "custom_fields" {
            let Some(custom) = reader.table(v, &full) else { continue };
            for (ck, cv) in custom.iter() {
                let name: &str = ck.get_ref();
                let item = join(&full, name);
                if !rules::is_custom_field_key(name) {
                    reader.problem(ck.span(), &item, "is not a custom field key (letters, digits, _ and -)");
                    continue;
                }
                let value = match cv.get_ref() {
                    DeValue::String(s) => Some(DraftValue::Text(s.to_string())),
                    DeValue::Boolean(b) => Some(DraftValue::Toggle(*b)),
                    DeValue::Integer(i) => Some(DraftValue::Text(i.as_str().to_string())),
                    DeValue::Float(f) => Some(DraftValue::Text(f.as_str().to_string())),
                    DeValue::Array(_) => reader.strings(cv, &item).map(DraftValue::Multi),
                    other => {
                        reader.problem(
                            cv.span(),
                            &item,
                            format!(
                                "must be text, a number, true or false, or a list, not {}",
                                other.type_str()
                            ),
                        );
                        None
                    }
                };
                if let Some(value) = value {
                    out.insert(format!("customFields.{name}"), value);
                }
            }
            continue;
        }
        let Some(text) = reader.string(v, &full) else { continue };
        if key == "source" && LeadSource::parse_known(text.trim()).is_none() {
            let known: Vec<&str> = LeadSource::KNOWN.iter().map(LeadSource::as_str).collect();
            reader.problem(
                v.span(),
                &full,
                format!("`{text}` is not a source; the sources are {}", known.join(", ")),
            );
            continue;
        }
        if let Some((_, wire)) = FORM_DEFAULT_KEYS.iter().find(|(k, _)| *k == key) {
            out.insert(wire.to_string(), DraftValue::Text(text));
        }
    }
    out
}

fn read_view(reader: &mut Reader<'_>, path: &str, span: Range<usize>, t: &DeTable<'_>) -> Option<ViewConfig> {
    let mut view = ViewConfig {
        name: String::new(),
        status: None,
        assigned_to: None,
    };
    for (k, v) in reader.entries(t, path, VIEW_KEYS) {
        let key: &str = k.get_ref();
        let full = join(path, key);
        let Some(s) = reader.string(v, &full) else { continue };
        match key {
            "name" => view.name = s,
            "status" => match LeadStatus::parse_known(&s) {
                Some(status) => view.status = Some(status),
                None => reader.problem(v.span(), &full, format!("`{s}` is not a status")),
            },
            _ => view.assigned_to = Some(s),
        }
    }
    if view.name.is_empty() {
        reader.problem(span, path, "needs a `name`");
        return None;
    }
    Some(view)
}
