//! Creating leads on a sandbox that fails many requests: no lead is lost and none is made twice. A create that
//! fails with "may have been created" is looked up in the list by a marker before it is sent again, which is
//! what the inbox asks its user to do; any other failure means nothing was created, so it is simply resent.

use std::collections::HashMap;

use novala_leads::{Lead, LeadSource, ListQuery, NewLead, NovalaClient, Paging};
use novala_sandbox::faults::FaultOptions;

use novala_sandbox::testing::faulty_sandbox;
use serde_json::json;

const SEEDED: usize = 40;
const CREATES: usize = 60;

fn marker(i: usize) -> String {
    format!("create-under-faults #{i}")
}

fn lead(i: usize) -> NewLead {
    let mut lead = NewLead::new(format!("Probe {i}"), LeadSource::WebForm);
    lead.notes = Some(marker(i));
    lead.custom_fields.insert("region".into(), json!("emea"));
    lead
}

/// Every lead of the list, walked to the end (the client retries list pages itself; a page that still fails
/// is asked again).
async fn all_leads(client: &NovalaClient) -> Vec<Lead> {
    let query = ListQuery {
        limit: Some(100),
        ..ListQuery::default()
    };
    let mut paging = Paging::new();
    let mut leads = Vec::new();
    let mut failures = 0;
    while !paging.is_done() {
        let cursor = paging.next_cursor().map(str::to_string);
        match client.list(&query, cursor.as_deref()).await {
            Ok(page) => leads.extend(paging.accept(cursor.as_deref(), page)),
            Err(e) => {
                failures += 1;
                assert!(failures < 20, "the list keeps failing: {e}");
            }
        }
    }
    leads
}

fn with_marker(leads: &[Lead], i: usize) -> Vec<&Lead> {
    let m = marker(i);
    leads
        .iter()
        .filter(|l| l.notes.as_deref() == Some(m.as_str()))
        .collect()
}

#[tokio::test]
async fn no_lead_is_lost_or_duplicated_when_a_third_of_requests_fail() {
    let faults = FaultOptions::none().rate(0.33).seed(3);
    let (sandbox, client) = faulty_sandbox(SEEDED, faults).await;

    let mut created: HashMap<usize, String> = HashMap::new();
    let (mut resent, mut found_after_doubt) = (0, 0);
    for i in 0..CREATES {
        for attempt in 0.. {
            assert!(attempt < 20, "lead {i} could not be created");
            match client.create(&lead(i)).await {
                Ok(lead) => {
                    created.insert(i, lead.id);
                    break;
                }
                Err(e) if e.may_have_created() => {
                    assert!(e.to_string().contains("may have been created"), "{e}");
                    let leads = all_leads(&client).await;
                    if let [lead] = with_marker(&leads, i)[..] {
                        created.insert(i, lead.id.clone());
                        found_after_doubt += 1;
                        break;
                    }
                    resent += 1;
                }
                // Every other failure is an answer from before anything was stored: sending again is safe.
                Err(_) => resent += 1,
            }
        }
    }

    assert_eq!(sandbox.lead_count().await.unwrap(), (SEEDED + CREATES) as u64);
    let leads = all_leads(&client).await;
    for i in 0..CREATES {
        let found = with_marker(&leads, i);
        assert_eq!(found.len(), 1, "lead {i} is stored {} times", found.len());
        assert_eq!(found[0].id, created[&i]);
    }
    eprintln!("{CREATES} creates: {found_after_doubt} found in the list after a lost answer, {resent} sent again");
    // The faults did strike both ways: answers lost after a create, and creates refused before one.
    assert!(found_after_doubt > 0, "no create lost its answer");
    assert!(resent > 0, "no create was refused");
}
