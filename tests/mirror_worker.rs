//! The worker answering the inbox's lists from the profile's mirror: a complete mirror answers every page
//! (filters too) with the tenant gone, a lead opened offline comes from it, and a mirror still in its first
//! sync leaves the lists to the tenant.

use std::sync::Arc;
use std::time::Duration;

use leadbox::api::types::{LeadStatus, ListQuery};
use leadbox::api::worker::{ApiEvent, ApiRequest, spawn_worker_with};
use leadbox::api::{ClientOptions, NovalaClient};
use leadbox::store::mirror::{Filter, MirrorFile};
use leadbox::store::mirror_leads::MirrorLeads;
use leadbox::sync::{self, Sweep, SyncOptions};
use novala_sandbox::{Sandbox, SandboxOptions};

fn client_of(url: &str, sandbox: &Sandbox) -> NovalaClient {
    let options = ClientOptions {
        request_timeout: Duration::from_secs(2),
        ..ClientOptions::default()
    };
    NovalaClient::with_options(url, sandbox.secret_key(), options).unwrap()
}

async fn answer(worker: &mut leadbox::api::worker::WorkerHandle, request: ApiRequest) -> ApiEvent {
    worker.requests.send(request).unwrap();
    tokio::time::timeout(Duration::from_secs(20), worker.events.recv())
        .await
        .expect("an answer in time")
        .expect("the worker runs")
}

/// A tenant of `leads` leads and its mirror after a first sync of `stop_after_pages` pages (all of them
/// when `None`), no sweep, in a temp dir: the sandbox, the dir (kept alive), the mirror's path and file,
/// and what the sync reported.
async fn synced(
    leads: usize,
    stop_after_pages: Option<u64>,
) -> (Sandbox, tempfile::TempDir, std::path::PathBuf, MirrorFile, sync::Report) {
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(leads))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mirror.sqlite3");
    let mut mirror = MirrorFile::open(&path).unwrap().file;
    let options = SyncOptions {
        rate: 1_000.0,
        sweep: Sweep::Off,
        stop_after_pages,
        ..SyncOptions::default()
    };
    let client = sync::client_for_sync(&client_of(&sandbox.base_url(), &sandbox));
    let report = sync::run(&client, &mut mirror, &options, &mut |_| {}).await.unwrap();
    (sandbox, dir, path, mirror, report)
}

/// As [`synced`], the first sync walking the whole tenant.
async fn synced_whole(leads: usize) -> (Sandbox, tempfile::TempDir, std::path::PathBuf, MirrorFile) {
    let (sandbox, dir, path, mirror, report) = synced(leads, None).await;
    assert!(report.complete, "the first sync walked the whole tenant");
    (sandbox, dir, path, mirror)
}

/// Every lead of `query`'s list, following cursors from the first page, and the pages it took.
async fn walk(worker: &mut leadbox::api::worker::WorkerHandle, query: &ListQuery) -> (Vec<String>, usize) {
    let (mut ids, mut pages, mut cursor) = (Vec::new(), 0, None);
    loop {
        let event = answer(
            worker,
            ApiRequest::List {
                id: pages as u64 + 1,
                query: query.clone(),
                cursor: cursor.clone(),
            },
        )
        .await;
        let ApiEvent::Listed { result, .. } = event else {
            panic!("{event:?}")
        };
        let page = result.expect("a page");
        pages += 1;
        ids.extend(page.data.iter().map(|l| l.id.clone()));
        match page.next_cursor {
            Some(next) if page.has_more => cursor = Some(next),
            _ => return (ids, pages),
        }
        assert!(pages < 1_000, "the pages end");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_complete_mirror_answers_every_list_and_an_offline_detail_with_the_tenant_gone() {
    let (sandbox, _dir, path, mirror) = synced_whole(2_500).await;
    let url = sandbox.base_url();
    let full = mirror.page(&Filter::default(), None, usize::MAX).unwrap();
    let everyone: Vec<String> = full.iter().map(|l| l.id.clone()).collect();
    let contacted: Vec<String> = mirror
        .page(
            &Filter {
                status: Some("contacted".into()),
                assigned_to: None,
            },
            None,
            usize::MAX,
        )
        .unwrap()
        .into_iter()
        .map(|l| l.id)
        .collect();
    let client = client_of(&url, &sandbox);
    sandbox.shutdown().await;

    let mut worker = spawn_worker_with(client, Some(Arc::new(MirrorLeads::new(path.clone()))));
    let query = ListQuery {
        limit: Some(100),
        ..ListQuery::default()
    };
    let (ids, pages) = walk(&mut worker, &query).await;
    assert_eq!(
        ids, everyone,
        "every lead, newest first, each once, with no tenant to ask"
    );
    assert!(
        pages <= 4,
        "local pages after the first are large: {pages} pages for {} leads",
        ids.len()
    );
    let contacted_query = ListQuery {
        status: Some(LeadStatus::parse_known("contacted").unwrap()),
        ..query.clone()
    };
    assert_eq!(
        walk(&mut worker, &contacted_query).await.0,
        contacted,
        "a filter needs no tenant either"
    );
    // The lists hold what rows, search and filters read; the notes stay in the mirror until a lead opens.
    let event = answer(
        &mut worker,
        ApiRequest::List {
            id: 98,
            query: query.clone(),
            cursor: None,
        },
    )
    .await;
    let ApiEvent::Listed { result, .. } = event else {
        panic!("{event:?}")
    };
    let page = result.expect("a page");
    assert_eq!(
        page.data.len(),
        100,
        "the first page is what was asked for: the first frame waits for no more"
    );
    assert!(
        page.data
            .iter()
            .all(|l| l.notes.is_none() && l.custom_fields.is_empty())
    );
    assert!(
        page.data
            .iter()
            .all(|l| l.email.is_some() || l.phone.is_some() || l.first_name.is_some())
    );
    // A lead opened while the tenant cannot be reached is the one last seen, whole.
    let with_notes = full
        .iter()
        .find(|l| l.notes.is_some())
        .expect("a mirrored lead with notes");
    let event = answer(
        &mut worker,
        ApiRequest::Get {
            id: 99,
            lead_id: with_notes.id.clone(),
        },
    )
    .await;
    let ApiEvent::FetchedKept { lead, why, .. } = event else {
        panic!("{event:?}")
    };
    assert_eq!(&lead, with_notes, "the mirrored lead");
    assert!(why.is_unreachable(), "and why the tenant did not answer: {why:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirror_still_in_its_first_sync_leaves_the_list_to_the_tenant() {
    let (sandbox, _dir, path, _mirror, report) = synced(700, Some(2)).await;
    let url = sandbox.base_url();
    assert!(!report.complete && report.leads > 0, "{report:?}");
    let mut worker = spawn_worker_with(client_of(&url, &sandbox), Some(Arc::new(MirrorLeads::new(path))));
    let query = ListQuery {
        limit: Some(100),
        ..ListQuery::default()
    };
    let (ids, pages) = walk(&mut worker, &query).await;
    assert_eq!(ids.len(), 700, "the tenant's whole list, not the part mirrored");
    assert_eq!(pages, 7, "in the tenant's pages of 100");
}

/// The next news of the background sync, within a bound.
async fn next_news(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<sync::background::SyncNews>,
) -> sync::background::SyncNews {
    tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .expect("news in time")
        .expect("the sync runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inbox_sync_fills_the_mirror_leaves_it_to_another_syncer_and_says_when_the_tenant_is_gone() {
    use sync::background::{Background, SyncNews, spawn};
    let sandbox = Sandbox::start(SandboxOptions::default().seed_leads(1_500))
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let background = Background {
        dir: dir.path().to_path_buf(),
        rate: 1_000.0,
        every: Duration::from_millis(500),
        sweep_pages: 1,
    };
    let task = spawn(client_of(&sandbox.base_url(), &sandbox), background, tx);
    let synced = loop {
        match next_news(&mut rx).await {
            SyncNews::Filling { leads } => assert!(leads <= 1_500),
            news => break news,
        }
    };
    let SyncNews::Synced {
        complete, leads, new, ..
    } = synced
    else {
        panic!("{synced:?}")
    };
    assert!(complete && leads == 1_500 && new == 1_500, "{synced:?}");
    let ok_at = loop {
        if let SyncNews::Synced { at, new, .. } = next_news(&mut rx).await {
            assert_eq!(new, 0, "nothing new the second time");
            break at;
        }
    };

    // Another process syncs the profile: this one says so and writes nothing.
    let held = leadbox::store::mirror::SyncLock::try_take(&dir.path().join("mirror.lock"))
        .unwrap()
        .expect("the lock is free between runs");
    let news = loop {
        match next_news(&mut rx).await {
            SyncNews::Synced { .. } => continue,
            news => break news,
        }
    };
    let SyncNews::Elsewhere { pid, synced_at } = news else {
        panic!("{news:?}")
    };
    assert_eq!(pid, Some(std::process::id()));
    assert!(
        synced_at.is_some_and(|at| at >= ok_at - chrono::Duration::seconds(1)),
        "how fresh the other's mirror is, from the file: {synced_at:?} against {ok_at}"
    );
    drop(held);

    // The tenant goes away: the news says why, and when the mirror was last whole.
    sandbox.shutdown().await;
    let failed = loop {
        match next_news(&mut rx).await {
            SyncNews::Failed { why, last } => break (why, last),
            _ => continue,
        }
    };
    assert!(failed.1.is_some_and(|last| last >= ok_at), "{failed:?}");
    assert!(!failed.0.is_empty());
    drop(rx);
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the sync ends once nobody listens")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_opened_from_the_tenant_is_kept_in_the_mirror_as_it_now_is() {
    let (sandbox, _dir, path, mirror) = synced_whole(400).await;
    let url = sandbox.base_url();
    // A colleague moves a lead along in Novala's web app; the mirror has not seen it yet.
    let changes = sandbox.simulate_activity(40, 7).await.unwrap();
    let moved = changes
        .iter()
        .find_map(|c| match c {
            novala_sandbox::activity::Change::Status { id, to, .. } => Some((id.clone(), to.clone())),
            _ => None,
        })
        .expect("a status changed");
    assert_ne!(mirror.lead(&moved.0).unwrap().unwrap().status, moved.1);

    let mut worker = spawn_worker_with(client_of(&url, &sandbox), Some(Arc::new(MirrorLeads::new(path))));
    let event = answer(
        &mut worker,
        ApiRequest::Get {
            id: 1,
            lead_id: moved.0.clone(),
        },
    )
    .await;
    let ApiEvent::Fetched { result, .. } = event else {
        panic!("{event:?}")
    };
    assert_eq!(result.unwrap().status, moved.1, "the tenant's answer");
    // The mirror catches up just after the answer.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let kept = mirror.lead(&moved.0).unwrap().unwrap();
        if kept.status == moved.1 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the mirror still holds {:?}",
            kept.status
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_over_a_complete_mirror_asks_the_tenant_and_fails_plainly_without_it() {
    let (sandbox, _dir, path, mirror) = synced_whole(300).await;
    let client = client_of(&sandbox.base_url(), &sandbox);
    // A colleague's lead, made after the last sync: the tenant has it, the mirror not yet.
    let mut new = leadbox::api::types::NewLead::new("Zenobia", leadbox::api::types::LeadSource::WebForm);
    new.custom_fields.insert("region".into(), serde_json::json!("emea"));
    let fresh = client.create(&new).await.unwrap();
    assert!(mirror.lead(&fresh.id).unwrap().is_none());

    let mut worker = spawn_worker_with(client, Some(Arc::new(MirrorLeads::new(path))));
    let query = ListQuery {
        limit: Some(100),
        ..ListQuery::default()
    };
    let first_id = |event: ApiEvent| match event {
        ApiEvent::Listed { result, .. } => result.map(|page| page.data.first().map(|l| l.id.clone())),
        other => panic!("{other:?}"),
    };
    let listed = answer(
        &mut worker,
        ApiRequest::List {
            id: 1,
            query: query.clone(),
            cursor: None,
        },
    )
    .await;
    assert_ne!(
        first_id(listed).unwrap().as_deref(),
        Some(fresh.id.as_str()),
        "a list comes from the mirror"
    );
    let latest = answer(
        &mut worker,
        ApiRequest::Latest {
            id: 2,
            query: query.clone(),
        },
    )
    .await;
    assert_eq!(
        first_id(latest).unwrap().as_deref(),
        Some(fresh.id.as_str()),
        "a refresh reaches the tenant itself"
    );
    // What the tenant gave is kept, so the next list from the mirror has it too.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while mirror.lead(&fresh.id).unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the mirror never kept the refreshed page"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // With the tenant gone, a list still comes from the mirror; a refresh says it could not reach it.
    sandbox.shutdown().await;
    let listed = answer(
        &mut worker,
        ApiRequest::List {
            id: 3,
            query: query.clone(),
            cursor: None,
        },
    )
    .await;
    assert_eq!(first_id(listed).unwrap().as_deref(), Some(fresh.id.as_str()));
    match first_id(answer(&mut worker, ApiRequest::Latest { id: 4, query }).await) {
        Err(error) => assert!(error.is_unreachable(), "{error:?}"),
        Ok(first) => panic!("a refresh with no tenant answered {first:?}"),
    }
}
