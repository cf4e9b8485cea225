//! An import knows its rows, whatever else happens to the file or beside it: two imports of one file at
//! once, the file saved again with other line endings, a BOM or rows inserted above, its journal emptied,
//! a refused-rows file the rep is fixing. The real binary against a sandbox, leads counted in its database.

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use novala_sandbox::Sandbox;

use crate::import::{by_email, import, run};

/// The leads the sandbox should hold for `domain`: email → how many.
fn expect(pairs: &[(&str, usize)], domain: &str) -> BTreeMap<String, usize> {
    pairs.iter().map(|(who, n)| (format!("{who}@{domain}"), *n)).collect()
}

/// A row of the files below: its notes cell spans two lines, so CRLF reaches inside a cell too.
fn row(who: &str, domain: &str) -> String {
    format!("{who},Rows,{who}@{domain},\"met at B1\nasked for a demo\",emea\n")
}

const HEADER: &str = "first name,last name,email,notes,customFields.region\n";

#[tokio::test(flavor = "multi_thread")]
async fn two_imports_of_one_file_at_once_create_each_row_once_and_the_second_names_the_first() {
    let dir = tempfile::tempdir().unwrap();
    // 40 ms a request, one at a time: the first import surely runs for over a second.
    let faults = novala_sandbox::faults::FaultOptions::none().latency(Duration::from_millis(40));
    let sandbox = Sandbox::start(novala_sandbox::SandboxOptions::default().seed_leads(3).faults(faults))
        .await
        .unwrap();
    let rows = 30;
    let file = dir.path().join("twice.csv");
    let mut csv = HEADER.to_string();
    for i in 0..rows {
        csv.push_str(&row(&format!("r{i}"), "twice.test"));
    }
    std::fs::write(&file, csv).unwrap();
    let mut first = import(dir.path(), &sandbox, &file, &["--parallel", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The first holds the lock (its pid is in the lock file) and has created a lead.
    let lock = dir.path().join("twice.csv.leadbox-journal.lock");
    let pid = first.id().to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_to_string(&lock).unwrap_or_default().trim() != pid
        || by_email(&sandbox, "twice.test").is_empty()
    {
        assert!(Instant::now() < deadline, "the first import never got going");
        assert!(first.try_wait().unwrap().is_none(), "the first import ended early");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--parallel", "4"]));
    assert_eq!(code, Some(9), "{err}");
    assert!(
        err.contains(&format!("another import of this file is running, pid {pid}")),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(
        first.try_wait().unwrap().is_none(),
        "the overlap did not happen: the first import ended before the second was refused"
    );
    let out = tokio::task::spawn_blocking(move || first.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let created = by_email(&sandbox, "twice.test");
    assert_eq!(created.len(), rows, "{created:?}");
    assert!(created.values().all(|&n| n == 1), "each row once: {created:?}");
    // The lock went with the first import: the same command now runs, and sends nothing.
    let (code, err) = run(import(dir.path(), &sandbox, &file, &[]));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("0 created (") && err.contains(&format!("{rows} created by an earlier run")),
        "{err}"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_saved_again_with_crlf_a_bom_reordered_or_with_a_row_inserted_above_sends_only_its_new_rows() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(3).await;
    let file = dir.path().join("saved.csv");
    // Two identical rows are two leads; a blank line shifts the lines below it.
    let first = format!(
        "{HEADER}{}{}\n{}{}",
        row("ada", "saved.test"),
        row("bo", "saved.test"),
        row("cy", "saved.test"),
        row("cy", "saved.test")
    );
    std::fs::write(&file, &first).unwrap();
    let (code, err) = run(import(dir.path(), &sandbox, &file, &[]));
    assert_eq!(code, Some(0), "{err}");
    let all_four = expect(&[("ada", 1), ("bo", 1), ("cy", 2)], "saved.test");
    assert_eq!(by_email(&sandbox, "saved.test"), all_four);

    // Saved on Windows: CRLF everywhere, inside the notes too; then with a BOM.
    let crlf = first.replace('\n', "\r\n");
    for text in [crlf.clone(), format!("\u{feff}{crlf}")] {
        std::fs::write(&file, &text).unwrap();
        let (code, err) = run(import(dir.path(), &sandbox, &file, &[]));
        assert_eq!(code, Some(0), "{err}");
        assert!(
            err.contains("0 created (") && err.contains("4 created by an earlier run"),
            "{err}"
        );
        assert_eq!(by_email(&sandbox, "saved.test"), all_four, "{text:?}");
    }

    // A row inserted above the others, one more `cy` below, the rows reordered and the columns swapped.
    let mut moved = String::from("customFields.region,email,notes,last name,first name\n");
    for who in ["di", "cy", "bo", "cy", "ada", "cy"] {
        moved.push_str(&format!(
            "emea,{who}@saved.test,\"met at B1\nasked for a demo\",Rows,{who}\n"
        ));
    }
    std::fs::write(&file, &moved).unwrap();
    let (code, err) = run(import(dir.path(), &sandbox, &file, &[]));
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("2 created (") && err.contains("4 created by an earlier run"),
        "{err}"
    );
    assert_eq!(
        by_email(&sandbox, "saved.test"),
        expect(&[("ada", 1), ("bo", 1), ("cy", 3), ("di", 1)], "saved.test"),
        "the new rows once, none of the others again"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_emptied_journal_stops_the_import_and_journal_lost_looks_each_row_up_first() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(3).await;
    let file = dir.path().join("lost.csv");
    let text = format!(
        "{HEADER}{}{}{}",
        row("ada", "lost.test"),
        row("bo", "lost.test"),
        row("bo", "lost.test")
    );
    std::fs::write(&file, &text).unwrap();
    let (code, err) = run(import(dir.path(), &sandbox, &file, &[]));
    assert_eq!(code, Some(0), "{err}");
    let journal = dir.path().join("lost.csv.leadbox-journal");
    std::fs::write(&journal, "").unwrap();
    // A row added while the journal was gone.
    std::fs::write(&file, format!("{text}{}", row("cy", "lost.test"))).unwrap();

    let (code, err) = run(import(dir.path(), &sandbox, &file, &[]));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is empty") && err.contains("--journal-lost"), "{err}");
    let three = expect(&[("ada", 1), ("bo", 2)], "lost.test");
    assert_eq!(by_email(&sandbox, "lost.test"), three, "nothing sent");

    // Each row looked up first: the three created are found (the two `bo` as two leads), the new one is not
    // and waits to be sent on the rep's word.
    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--journal-lost"]));
    assert_eq!(code, Some(8), "{err}");
    assert!(err.contains("3 created ("), "found, recorded as created: {err}");
    assert!(err.contains("line 8 (cy Rows)"), "{err}");
    assert_eq!(by_email(&sandbox, "lost.test"), three, "nothing sent again");
    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--resend-unknown"]));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        by_email(&sandbox, "lost.test"),
        expect(&[("ada", 1), ("bo", 2), ("cy", 1)], "lost.test")
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_command_again_keeps_the_refused_rows_file_the_rep_is_fixing_and_names_real_lines() {
    let dir = tempfile::tempdir().unwrap();
    let sandbox = novala_sandbox::testing::start(3).await;
    let file = dir.path().join("fix.csv");
    // CRLF, cells over lines 2-3 and 5-6, a blank line 4: the bad email is on line 7 of the file.
    let text = format!(
        "{HEADER}{}\n{}Bo,Rows,bo@fix,x,emea\n",
        row("ada", "fix.test"),
        row("cy", "fix.test")
    )
    .replace('\n', "\r\n");
    std::fs::write(&file, &text).unwrap();
    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--skip-invalid"]));
    assert!(err.contains("fix.csv: line 7, email: must be an email"), "{err}");
    assert_eq!(code, Some(0), "every row that could be sent was: {err}");
    assert!(err.contains("2 created ("), "{err}");
    let refused = dir.path().join("fix.refused.csv");
    let written = std::fs::read_to_string(&refused).unwrap();
    assert!(
        written.contains("Bo,Rows,bo@fix,x,emea,email: must be an email"),
        "{written}"
    );
    // The rep fixes the row there, then runs the same command again (as the summary says they may).
    let fixed = written.replace("bo@fix,", "bo@fix.test,");
    std::fs::write(&refused, &fixed).unwrap();
    let (code, err) = run(import(dir.path(), &sandbox, &file, &["--skip-invalid"]));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        std::fs::read_to_string(&refused).unwrap(),
        fixed,
        "the rep's fix is kept"
    );
    assert!(
        err.contains("fix.refused-2.csv") && err.contains("left as it is"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fix.refused-2.csv")).unwrap(),
        written
    );
    let (code, err) = run(import(dir.path(), &sandbox, &refused, &[]));
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        by_email(&sandbox, "fix.test"),
        expect(&[("ada", 1), ("bo", 1), ("cy", 1)], "fix.test")
    );
    sandbox.shutdown().await;
}
