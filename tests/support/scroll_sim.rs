//! A scroll through a long list in virtual time: a user holding `j` at a steady rate over a server that
//! answers every page after a fixed latency. Every message goes through `update` and every frame is drawn,
//! so "stuck on loading…" means what the user would have seen.

use std::collections::{HashSet, VecDeque};

use chrono::Duration;
use leadbox::api::types::Page;
use leadbox::api::worker::{ApiEvent, ApiRequest};
use leadbox::app::{App, AppSettings, Msg, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{buffer_text, ch, lead, now, settings};

#[derive(Debug, Clone, Copy)]
pub struct ScrollSim {
    pub leads: usize,
    pub rows_per_second: u32,
    pub page_latency_ms: i64,
    pub page_size: u32,
    pub tick_ms: i64,
    pub width: u16,
    pub height: u16,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScrollReport {
    pub frames: usize,
    /// Frames that showed the "loading…" row after the list had once filled the screen: the user had
    /// caught up with paging.
    pub frames_stuck_loading: usize,
    /// Frames that showed "loading…" under a first page shorter than the screen, while the next pages came.
    pub frames_filling_screen: usize,
    /// Frames drawn to check that the app's own "loading row visible" agrees with the screen.
    pub frames_drawn: usize,
    /// Requests for the next page of the walk (polls for new leads not counted).
    pub page_requests: usize,
    /// Looks at the first page for new leads, every 30 s of virtual time.
    pub poll_requests: usize,
    /// The most page requests of the walk ever in flight at once (polls not counted).
    pub max_in_flight: usize,
    pub reached_last: bool,
    pub end_of_list_shown: bool,
    pub virtual_seconds: f64,
}

impl ScrollSim {
    pub fn run(&self) -> ScrollReport {
        let settings = AppSettings {
            page_size: self.page_size,
            ..settings()
        };
        let mut app = App::new(settings, now(), self.width, self.height);
        let mut terminal = Terminal::new(TestBackend::new(self.width, self.height)).unwrap();
        let mut report = ScrollReport::default();
        // (deliver at ms, event), in order of delivery: every page takes the same time.
        let mut in_flight: VecDeque<(i64, ApiEvent)> = VecDeque::new();
        // Polls run beside the walk; kept apart so the walk's figures stay its own.
        let mut polls: HashSet<u64> = HashSet::new();
        let key_period_us = 1_000_000 / i64::from(self.rows_per_second);
        let mut t_us: i64 = 0;
        let mut next_key_us: Option<i64> = None;
        let mut next_tick_us: i64 = self.tick_ms * 1000;
        let mut filled = false;
        let first = app.start().requests;
        self.serve(first, 0, None, &mut in_flight, &mut polls, &mut report);

        loop {
            // The next thing to happen: a key press, a page arriving, or a tick.
            let next_api = in_flight.front().map(|(at, _)| at * 1000);
            let candidates = [next_key_us, next_api, Some(next_tick_us)];
            let Some(when) = candidates.into_iter().flatten().min() else {
                break;
            };
            t_us = when;
            let msg = if next_api == Some(when) {
                let (_, event) = in_flight.pop_front().unwrap();
                Msg::Api(event)
            } else if next_key_us == Some(when) {
                next_key_us = Some(when + key_period_us);
                ch('j')
            } else {
                next_tick_us += self.tick_ms * 1000;
                Msg::Tick {
                    now: now() + Duration::microseconds(t_us),
                }
            };
            let out = update(&mut app, msg).requests;
            let poll = app.poll_in_flight();
            self.serve(out, t_us / 1000, poll, &mut in_flight, &mut polls, &mut report);
            let pages_in_flight = in_flight.iter().filter(|(_, e)| !polls.contains(&e.id())).count();
            report.max_in_flight = report.max_in_flight.max(pages_in_flight);

            // Drawing every frame costs more than the rest of the simulation together, so the screen is drawn
            // for every frame that shows "loading…" and a sample of the others, and must agree with the app.
            report.frames += 1;
            let loading = app.loading_row_visible();
            let last = app.list().selected() + 1 == self.leads;
            if loading || last || report.frames % 97 == 0 {
                terminal.draw(|f| leadbox::ui::draw(f, &app)).unwrap();
                report.frames_drawn += 1;
                let text = buffer_text(terminal.backend().buffer());
                assert_eq!(text.contains("loading…"), loading, "frame {}:\n{text}", report.frames);
                report.end_of_list_shown = text.contains("end of list");
            }
            let rows = leadbox::app::list_rows(self.height);
            if loading && filled {
                report.frames_stuck_loading += 1;
            } else if loading {
                report.frames_filling_screen += 1;
            }
            filled |= app.list().len() >= rows;
            // The user starts holding `j` once the first page is on screen.
            if next_key_us.is_none() && !app.list().is_empty() {
                next_key_us = Some(t_us + key_period_us);
            }
            if last {
                report.reached_last = true;
                break;
            }
            if t_us > 3_600_000_000 {
                break;
            }
        }
        report.virtual_seconds = t_us as f64 / 1e6;
        report
    }

    /// Answers each list request after the page latency, from a server holding `self.leads` leads; the
    /// cursor is the index of the next lead. The request `poll` (the app's poll in flight) is counted apart.
    fn serve(
        &self,
        requests: Vec<ApiRequest>,
        now_ms: i64,
        poll: Option<u64>,
        in_flight: &mut VecDeque<(i64, ApiEvent)>,
        polls: &mut HashSet<u64>,
        report: &mut ScrollReport,
    ) {
        for r in requests {
            match r {
                ApiRequest::List { id, cursor, query } => {
                    if poll == Some(id) {
                        report.poll_requests += 1;
                        polls.insert(id);
                    } else {
                        report.page_requests += 1;
                    }
                    let from: usize = cursor.as_deref().map_or(0, |c| c[1..].parse().unwrap());
                    let limit = query.limit.unwrap_or(25) as usize;
                    let to = (from + limit).min(self.leads);
                    let more = to < self.leads;
                    let page = Page {
                        data: (from..to).map(lead).collect(),
                        next_cursor: more.then(|| format!("i{to}")),
                        has_more: more,
                    };
                    in_flight.push_back((
                        now_ms + self.page_latency_ms,
                        ApiEvent::Listed {
                            id,
                            cursor,
                            result: Ok(page),
                        },
                    ));
                }
                ApiRequest::Cancel { id } => in_flight.retain(|(_, e)| e.id() != id),
                other => panic!("the scroll asked for {other:?}"),
            }
        }
    }
}
