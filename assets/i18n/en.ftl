# Kantelspel: the interface's own words in English. Each group is a message whose
# attributes are the keys the code asks for: `round.round_of` is `round`, `.round_of`.
# Placeables are `{ $name }`; numbers choose plural forms with `{ $n -> [one] ... *[other] ... }`.

common =
    .observer = observer
    .back = Back
    .table = Table

debrief =
    .with_names = with names
    .earlier = Earlier tables: { $n } sessions of this scenario in the archive
    .note = Note
    .compare = Compare the tables
    .compare_hint = The same cards, other choices: where did the tables diverge?
    .axis_round = round
    .chart = The meters per round
    .close = Close
    .col_round = Round
    .decisions = Every decision
    .export = Save report
    .exported = Report saved:
    .key_questions = Key questions
    .questions = Questions for the debrief
    .swings = The largest swings
    .title = Debrief

door =
    .written_otherwise = ⚠ Not written as ‘{ $name }’: { $chars }. It looks the same; it is another name.
    .admit_as = Let in as:
    .claims = Already has a seat under this name, but not its token on this device.
    .give_back = Give the seat back
    .open = Open room: let newcomers in after the start without asking
    .title = Waiting to be let in
    .turn_away = Turn away
    .wants = wants to play { $role }

fac =
    .from_to = from { $from } to { $to }
    .course = Progress
    .at_the_table = At the table
    .all_tables = All tables
    .tables_n = { $n } tables
    .at_all_tables = At every table:
    .online = { $n } of { $of } online
    .open_table = Open
    .move_table = Move players
    .start_all = Start all tables
    .notes = Notes
    .note_hint = What do you see at the table? (kept with this round)
    .note_save = Note it
    .close_vote = Close the vote
    .controls = Controls
    .debrief_questions = Questions for the debrief
    .decide_for_role = Decide for the role yourself:
    .end = End the session
    .extend = more
    .inject = Play now
    .join_at = Join at
    .join_browser = Join: open this address or scan the code
    .next = Next
    .next_card = As the next card
    .open_vote = Open the vote
    .override = Change the decision to option:
    .pause = Pause
    .pick_card = Pick a card…
    .projector = Projector view
    .projector_window = Open projector window
    .projector_window_hint = Opens a second window for the beamer: drag it to the room's screen; the controls stay here
    .remove = Remove from the session
    .resume = Resume
    .revoke = Revoke the decision
    .role_briefings = Briefings per role (only for you)
    .skip = Skip the card
    .timer = Decision time from now on
    .to_debrief = To the debrief
    .voted = voted
    .waiting = Waiting for the start…

host =
    .start_table = Start table { $n }
    .tables = Tables
    .tables_hint = each table plays the scenario on its own, with the same code; compare them in the debrief
    .resume_tables = { $n } tables
    .deck_reloaded = Deck reloaded: { $cards } cards.
    .deck_reload_failed = The changed deck does not check; the previous deck stays:
    .address = With the Kantelspel program (native client):
    .bot = bot
    .code = Join code
    .deck = Scenario
    .deck_default = The Shift (default)
    .deck_file = Own file:
    .programme = Programme
    .programme_deck = The whole scenario ({ $cards } cards, drawn by weight)
    .programme_rounds = { $rounds } rounds
    .programme_pick = Own pick: the cards below, in this order
    .programme_follow_up = otherwise comes only as a follow-up or crisis
    .programme_minutes = { $rounds } rounds: a workshop of about { $minutes } minutes (arrival, rounds of 7 minutes, debrief)
    .fill_with_bots = Let a bot play empty roles:
    .how_to_join = In the browser or the program: the code and a name, then a role.
    .no_role = no role yet
    .offline = offline
    .online = online
    .open = Open the session
    .players = Participants ({ $n })
    .resume = Resume a session
    .resume_hint = After a crash or a break: every decision is in the journal, participants come back with the same code.
    .resume_item = { $deck } — { $date }, round { $round } of { $rounds }, { $players ->
        [one] 1 participant
       *[other] { $players } participants
    }
    .rounds = Number of rounds
    .start = Start the session
    .timer = Time per decision
    .title = Host a workshop
    .to_facilitator = To the facilitator screen

join =
    .table = Table
    .table_any = any table
    .address = Address
    .bad_address = That is not an address, for example 192.168.1.20:47470
    .checking = Checking the code…
    .code = Code
    .found = Sessions on this network
    .go = Join
    .name = Your name
    .need_name = Enter your name, so the others know who you are.
    .no_answer = No session found at { $addr }. Is the address right, and is the session open?
    .other_version = Another version of Kantelspel
    .searching = Searching… Nothing here? Enter the facilitator's address.
    .title = Join a workshop
    .version = The facilitator runs another version of Kantelspel (protocol { $host }, yours { $client }). Install the same version.
    .wrong_code = Wrong code. Check the facilitator's screen again.

link =
    .connected = connected
    .connecting = connecting…
    .failed = no connection:
    .reconnecting = connection lost — reconnecting…

meter =
    .near = close to the tipping point

phase =
    .briefing = Reading
    .deciding = Deciding
    .ended = Ended
    .lobby = Waiting to start
    .resolved = Outcome

replay =
    .after = After round { $round }
    .keys = ⬅ ➡ browse with the arrow keys
    .round = Round
    .start = The start: nothing decided yet

round =
    .tie = a tie
    .decided_by = { $role }'s decision
    .abstained = , { $n } did not vote
    .by_facilitator = Decided by the facilitator
    .by_override = Changed by the facilitator
    .choose_role = Choose your role
    .decided = The { $role } decided: { $option }
    .decides = The { $role } decides
    .leave = Leave
    .meters = How things stand
    .no_session = No session.
    .paused = Paused
    .players_in_role = { $n ->
        [one] 1 player
       *[other] { $n } players
    }
    .round_of = Round { $n } of { $of }
    .split = Votes: { $split }
    .voted = { $n } of { $of } { $n ->
        [one] has
       *[other] have
    } voted
    .wait_for_start = The facilitator starts the session once everyone is here.
    .waiting_door = The session has already started. The facilitator will let you in shortly.
    .watch = You watch and join the discussion at the table.
    .your_briefing = What you know as { $role }:
    .your_turn = Your role decides. Choose with the buttons or keys 1–4; you can still change your vote.

start =
    .host = Host a workshop
    .host_hint = For the facilitator: open a session and let participants in.
    .join = Join a workshop
    .join_hint = With the facilitator's code.
    .language = Language:
    .practise = Practise alone
    .practise_go = Practise — bots play the other roles
    .subtitle = A simulation of the Shift in the Dutch social domain
    .your_role = Your role:
ending =
    .completed = All rounds were played.
    .exhausted = No cards were left that fit the situation.
    .facilitator = The facilitator ended the session.

# What the host refuses, said to the player whose message it was.
refusal =
    .note_too_soon = Wait a moment before your next note.
    .version = Version mismatch: the host speaks protocol { $host }, this program { $client }; use the same Kantelspel version as the host.
    .name_in_use = Someone called ‘{ $name }’ is already connected; choose another name.
    .malformed = The message could not be read.
    .not_joined = First say hello: send your name.
    .flooding = Too many messages: the connection was closed.
    .journal = The host cannot save the session journal; tell the facilitator.
    .removed = The facilitator removed you from the session.
    .not_admitted = The facilitator did not let you in.
    .replaced = Your seat was opened on another device; this one has let it go.
    .no_such_table = This workshop has no table { $table }.

# What the rules refuse.
rule =
    .not_facilitator = Only the facilitator may do this.
    .unknown_seat = There is no seat { $seat } in this session.
    .no_role = You have no role yet: choose one first.
    .not_your_role = This step is for the role { $expected }, and you play { $actual }.
    .wrong_phase = That is not possible in this phase of the game.
    .stale_vote = This vote was for round { $round }, step { $step }, which is already closed.
    .unknown_option = There is no option { $option } in this step.
    .unknown_role = There is no role ‘{ $role }’ in this session.
    .unknown_card = There is no card ‘{ $card }’ in this deck.
    .over = The session is over.
    .paused = The session is paused.
    .no_votes = Nobody has voted yet: wait for a vote or decide for the role.
    .name_taken = The name ‘{ $name }’ is already taken in this session.
    .bad_name = A name must be 1 to { $max } characters.
    .role_full = The role ‘{ $role }’ is full; choose another role.
    .nothing_to_undo = There is no resolution to change.
    .bad_timer = A timer lasts 1 second to an hour.
    .card_underway = Part of this card is already decided; finish it first, or choose the card as the next one.
    .unknown_programme = There is no programme ‘{ $programme }’ in this deck.
    .bad_programme = A programme has at least one card (each card once) and 1 to { $max } rounds.
    .not_observer = Only an observer who gave a name writes a note at the table.
    .notes_full = This table keeps no more notes from observers.
    .table_full = This table has no seats left.
    .bad_note = A note has 1 to { $max } characters.

# The browser door.
web =
    .wait = Too many wrong codes from this device. Try again in { $secs } s.
    .wrong_code = That code is not right. Check the code on the facilitator's screen.
    .hello_first = The first message must be a hello with the code.

# The report (HTML, JSON, CSV).
report =
    .tie = a tie
    .earlier_tables = Earlier tables
    .archive_heading = Compared with earlier tables
    .archive_sessions = { $n ->
        [one] 1 earlier session of this scenario in this laptop's archive.
       *[other] { $n } earlier sessions of this scenario in this laptop's archive.
    }
    .archive_none = This laptop's archive holds no earlier session of this scenario yet.
    .archive_same = { $n } of { $of } earlier tables chose this too
    .archive_changed = card changed since: not compared
    .archive_first = no earlier table yet
    .archive_meter = { $meter } ended at { $n }; earlier sessions between { $from } and { $to }
    .own_pick = own pick: { $cards }
    .programme = Programme
    .how_each_table_ended = How each table ended
    .meters_per_table = The meters per table
    .same_card = The same cards at several tables
    .notes = The facilitator's notes
    .by_the_facilitator = by the facilitator
    .card = Card
    .date = Date
    .decision = Decision
    .decisions = Decisions
    .deck = Deck
    .did_not_vote = did not vote
    .how_it_ended = How it ended:
    .key_questions = Key questions
    .meter = Meter
    .note = Note:
    .outcome = Outcome
    .overridden_by_the_facilitator = overridden by the facilitator
    .players_per_role = Players per role
    .questions_for_the_debrief = Questions for the debrief
    .role = Role
    .round = round
    .round_2 = Round
    .rounds_played = Rounds played
    .start = start
    .the_largest_swings = The largest swings
    .towards_tipping = towards a tipping point
    .away_from_tipping = away from a tipping point
    .the_meters_per_round = The meters per round
    .votes = Votes

# The players' page in the browser (assets/web/app.js asks for these by the attribute name).
page =
    .debrief_title = Debrief
    .time_says = { $n } seconds left to vote.
    .vote_closed = The vote is closed.
    .say_round = { $n }: { $name }
    .observer_name = Your name, for your notes as an observer (optional)
    .note_label = A note on this round (the facilitator sees it in the debrief)
    .note_save = Note it
    .note_kept = Noted with round { $n }.
    .table = Table
    .table_any = Any table
    .table_n = Table { $n }
    .observe = Watch without a vote (observer or projector)
    .join_title = Join the workshop
    .join_intro = Type your name and the code on the facilitator's screen.
    .watch_title = Projector view
    .watch_intro = Type the code on the facilitator's screen. This view shows what the whole room may see.
    .name = Your name
    .code = Code
    .join = Join
    .watch = Show on this screen
    .need_name = Type your name, so the others know who you are.
    .need_code = Type the code.
    .connecting = Connecting…
    .online = connected
    .offline = connection lost, reconnecting…
    .at_door = connected, waiting to be let in
    .lost = The connection dropped. Trying again; your seat is kept.
    .choose_role = Choose your role
    .other_role = Choose another role
    .your_role = Your role
    .you_play = You play { $role }.
    .change_role = You can change roles until the session starts.
    .wait_start = The facilitator starts the session once everyone is here.
    .players = At the table
    .nobody = nobody yet
    .bot = bot
    .player1 = player
    .playerN = players
    .round_of = Round { $n } of { $of }
    .paused = Paused
    .phase_Lobby = Waiting to start
    .phase_Briefing = Reading
    .phase_Deciding = Deciding
    .phase_Resolved = Outcome
    .phase_Ended = Ended
    .you = { $name } · { $role }
    .no_role = no role yet
    .your_briefing = Only for you ({ $role })
    .general = The situation
    .decides = { $role }'s turn
    .your_turn = Your role is up: choose an option.
    .can_change = ✓ Your vote is in. You can still choose another option until everyone in your role has voted.
    .voted = Voted: { $n } of { $of }
    .in_role = In your role
    .others_decide = { $role }'s turn. You don't vote now, but join the discussion at your table.
    .decided = { $role } chose: { $option }
    .split = Vote count
    .votes1 = vote
    .votesN = votes
    .abstained = Did not vote: { $n }
    .tie = A tie: the option that reached this count first wins.
    .by_Vote = Result of the vote
    .by_Facilitator = Decided by the facilitator
    .by_Override = Overruled by the facilitator
    .meters = Where things stand
    .near = close to the tipping point
    .zones = Red area: the tipping point. Once a meter is in it, the game tips over.
    .debrief = Debrief
    .ending = How it ended
    .chart = Meters by round
    .decisions = All decisions
    .questions = Questions for the debrief
    .key_questions = Key questions
    .round = Round
    .time_left = left
    .votes_word = votes
    .earlier = Earlier in this case
    .join_here = Join on your phone or laptop
    .join_with_code = with the code
    .waiting_title = One moment
    .waiting_text = The session has already started. The facilitator sees you are here and will let you in shortly.
    .watching = Watching
    .removed_hint = Ask the facilitator to seat you again.

# `deck preview`: a card as a role sees it, and what each option does.
preview =
    .later = in { $n ->
        [one] 1 round
       *[other] { $n } rounds
    }: { $meter } { $by }
    .flag_set = raises the flag `{ $flag }`
    .flag_clear = lowers the flag `{ $flag }`
    .follow_up = follow-up: `{ $card }` in { $n ->
        [one] 1 round
       *[other] { $n } rounds
    }
    .chance = { $percent }% chance:{ $what }
    .heading = What each choice does (only in this preview)
    .title = Card preview

# The deck graph in the window.
map =
    .thresholds = thresholds
    .flags = flags
    .from_round = from round { $n }
    .follow_ups = follow-ups
    .title = Deck map
    .legend = Blue: follow-up card · orange: raises or lowers a flag · green: the card needs the flag · red dashed: the flag keeps the card away
    .never_drawn = never drawn
    .open = Deck map

venue =
    .stale = The address in the QR code is not (or no longer) on a network of this laptop. Close this session and host again, or join that network again.
    .wifi = Wi-Fi
    .cable = cable
    .network = network
    .vpn = VPN — not for players
    .virtual = virtual — not for players
    .no_address = no network found
    .loopback = this laptop only
    .none = This laptop has no network phones can reach. Join the venue's Wi-Fi, or start the laptop's hotspot and have the players join it.
    .in_code = in the QR code
    .first_visit = A browser reached the page { $secs } s ago (from { $ip }): the network lets players in.
    .no_visit = No phone has opened the page yet. Try one phone now, before the room arrives.
    .folders = Journals and reports: { $journals } · settings and seats: { $data }

places =
    .old_found = An earlier version kept journals in { $from }. Move them to { $to }, or leave them? (Asked once.)
    .move = Move
    .leave = Leave them

keep =
    .unreadable = { $name }: not a readable journal
    .ended = ended
    .open = not ended
    .forget_sure = Really forget?
    .title = Keeping and privacy
    .days = Keep journals, reports and seats for:
    .days_hint = days (0: for ever); older ones are removed at start-up
    .archive = Keep an archive of earlier tables (decisions, never names)
    .earlier = The archive holds { $n } earlier sessions of this scenario.
    .none = No journals yet.
    .item = { $date } · { $deck } · { $players ->
        [one] 1 player
       *[other] { $players } players
    } · { $n ->
        [one] 1 table
       *[other] { $n } tables
    }
    .pseudonymise = Replace names
    .forget = Forget
    .forgotten = { $n ->
        [one] 1 file removed.
       *[other] { $n } files removed.
    }
    .pseudonymised = { $n } names replaced by role and number.
