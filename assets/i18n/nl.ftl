# Kantelspel: the interface's own words in Dutch. Each group is a message whose
# attributes are the keys the code asks for: `round.round_of` is `round`, `.round_of`.
# Placeables are `{ $name }`; numbers choose plural forms with `{ $n -> [one] ... *[other] ... }`.

common =
    .observer = observator
    .back = Terug
    .table = Tafel

debrief =
    .with_names = met namen
    .earlier = { $n ->
        [one] Eerdere tafels: 1 sessie van dit scenario in het archief
       *[other] Eerdere tafels: { $n } sessies van dit scenario in het archief
    }
    .note = Notitie
    .compare = Tafels vergelijken
    .compare_hint = Dezelfde kaarten, andere keuzes: waar liepen de tafels uiteen?
    .axis_round = ronde
    .chart = De meters per ronde
    .close = Afsluiten
    .col_round = Ronde
    .decisions = Alle besluiten
    .export = Verslag opslaan
    .exported = Verslag opgeslagen:
    .key_questions = Kernvragen
    .questions = Vragen voor de nabespreking
    .swings = De grootste schommelingen
    .title = Nabespreking

door =
    .written_otherwise = ⚠ Niet geschreven als ‘{ $name }’: { $chars }. Lijkt hetzelfde, is een andere naam.
    .admit_as = Toelaten als:
    .claims = Heeft al een plaats met deze naam, maar dit apparaat niet de sleutel ervan.
    .give_back = Plaats teruggeven
    .open = Zaal open: nieuwkomers na de start direct toelaten
    .title = Wacht op toelating
    .turn_away = Weigeren
    .wants = wil { $role } spelen

fac =
    .from_to = van { $from } naar { $to }
    .course = Verloop
    .at_the_table = Aan tafel
    .all_tables = Alle tafels
    .tables_n = { $n } tafels
    .at_all_tables = Aan alle tafels:
    .online = { $n } van { $of } verbonden
    .open_table = Openen
    .move_table = Deelnemers verplaatsen
    .start_all = Alle tafels starten
    .notes = Notities
    .note_hint = Wat zie je aan tafel? (blijft bij deze ronde)
    .note_save = Noteren
    .close_vote = Stemming sluiten
    .controls = Regie
    .debrief_questions = Vragen voor de nabespreking
    .decide_for_role = Zelf beslissen voor de rol:
    .end = Sessie beëindigen
    .extend = langer
    .inject = Nu spelen
    .join_at = Meedoen via
    .join_browser = Meedoen: open dit adres of scan de code
    .next = Volgende
    .next_card = Als volgende kaart
    .open_vote = Stemming openen
    .override = Besluit wijzigen naar optie:
    .pause = Pauze
    .pick_card = Kies een kaart…
    .projector = Projectorweergave
    .projector_window = Projectorvenster openen
    .projector_window_hint = Opent een tweede venster voor de beamer: sleep het naar het scherm van de zaal; de bediening blijft hier
    .remove = Uit de sessie halen
    .resume = Verder
    .revoke = Besluit intrekken
    .role_briefings = Briefings per rol (alleen voor jou)
    .skip = Kaart overslaan
    .timer = Beslistijd voortaan
    .to_debrief = Naar de nabespreking
    .voted = gestemd
    .waiting = Wachten op de start…

host =
    .start_table = Tafel { $n } starten
    .tables = Tafels
    .tables_hint = elke tafel speelt het scenario zelfstandig, met dezelfde code; vergelijk ze in de nabespreking
    .resume_tables = { $n } tafels
    .deck_reloaded = Deck opnieuw geladen: { $cards } kaarten.
    .deck_reload_failed = Het gewijzigde deck klopt niet; het vorige deck blijft:
    .address = Met het programma Kantelspel:
    .bot = bot
    .code = Toegangscode
    .deck = Scenario
    .deck_default = De Kanteling (standaard)
    .deck_file = Eigen bestand:
    .programme = Programma
    .programme_deck = Het hele scenario ({ $cards } kaarten, getrokken naar gewicht)
    .programme_rounds = { $rounds } rondes
    .programme_pick = Eigen keuze: de kaarten hieronder, in deze volgorde
    .programme_follow_up = komt anders alleen als vervolg of crisis
    .programme_minutes = { $rounds } rondes: een workshop van ongeveer { $minutes } minuten (inloop, rondes van 7 minuten, nabespreking)
    .fill_with_bots = Lege rollen laten spelen door een bot:
    .how_to_join = In de browser of het programma: de code en een naam, dan een rol.
    .no_role = nog geen rol
    .offline = niet verbonden
    .online = verbonden
    .open = Sessie openen
    .players = Deelnemers ({ $n })
    .resume = Een sessie hervatten
    .resume_hint = Na een crash of een pauze: alle besluiten staan in het logboek, deelnemers komen terug met dezelfde code.
    .resume_item = { $deck } — { $date }, ronde { $round } van { $rounds }, { $players ->
        [one] 1 deelnemer
       *[other] { $players } deelnemers
    }
    .rounds = Aantal rondes
    .start = Start de sessie
    .timer = Tijd per besluit
    .title = Workshop hosten
    .to_facilitator = Naar het regiescherm

join =
    .table = Tafel
    .table_any = maakt niet uit
    .address = Adres
    .bad_address = Dat is geen adres, bijvoorbeeld 192.168.1.20:47470
    .checking = Code controleren…
    .code = Code
    .found = Sessies op dit netwerk
    .go = Meedoen
    .name = Je naam
    .need_name = Vul je naam in, zodat de anderen weten wie je bent.
    .no_answer = Geen sessie gevonden op { $addr }. Klopt het adres, en staat de sessie open?
    .other_version = Andere versie van Kantelspel
    .searching = Zoeken… Staat er niets? Vul het adres van de facilitator in.
    .title = Meedoen aan een workshop
    .version = De facilitator gebruikt een andere versie van Kantelspel (protocol { $host }, jij { $client }). Installeer dezelfde versie.
    .wrong_code = Verkeerde code. Kijk nog eens op het scherm van de facilitator.

link =
    .connected = verbonden
    .connecting = verbinden…
    .failed = geen verbinding:
    .reconnecting = verbinding weg — opnieuw verbinden…

meter =
    .near = dicht bij het omslagpunt

phase =
    .briefing = Lezen
    .deciding = Beslissen
    .ended = Afgelopen
    .lobby = Wachten op de start
    .resolved = Uitkomst

replay =
    .after = Na ronde { $round }
    .keys = ⬅ ➡ bladeren met de pijltjestoetsen
    .round = Ronde
    .start = De start: nog niets besloten

round =
    .tie = gelijke stand
    .decided_by = Besluit van { $role }
    .abstained = , { $n } niet gestemd
    .by_facilitator = Besloten door de facilitator
    .by_override = Aangepast door de facilitator
    .choose_role = Kies je rol
    .decided = { $role } besloot: { $option }
    .decides = { $role } beslist
    .leave = Verlaten
    .meters = Stand van zaken
    .no_session = Geen sessie.
    .paused = Gepauzeerd
    .players_in_role = { $n ->
        [one] 1 speler
       *[other] { $n } spelers
    }
    .round_of = Ronde { $n } van { $of }
    .split = Stemmen: { $split }
    .voted = { $n } van { $of } { $n ->
        [one] heeft
       *[other] hebben
    } gestemd
    .wait_for_start = De facilitator start de sessie zodra iedereen er is.
    .waiting_door = De sessie is al begonnen. De facilitator laat je zo binnen; even geduld.
    .watch = Jij kijkt mee en praat mee aan tafel.
    .your_briefing = Wat jij weet als { $role }:
    .your_turn = Jouw rol beslist. Kies met de knoppen of de toetsen 1–4; je kunt je stem nog wijzigen.

start =
    .host = Workshop hosten
    .host_hint = Voor de facilitator: open een sessie en laat deelnemers binnen.
    .join = Meedoen aan een workshop
    .join_hint = Met de code van de facilitator.
    .language = Taal:
    .practise = Alleen oefenen
    .practise_go = Oefenen — bots spelen de andere rollen
    .subtitle = Een simulatie van de Kanteling in het sociaal domein
    .your_role = Jouw rol:
ending =
    .completed = Alle rondes zijn gespeeld.
    .exhausted = Er waren geen kaarten meer die pasten bij de situatie.
    .facilitator = De facilitator heeft de sessie beëindigd.

# What the host refuses, said to the player whose message it was.
refusal =
    .note_too_soon = Wacht even met je volgende notitie.
    .version = De host spreekt protocol { $host }, dit programma { $client }: gebruik dezelfde versie van Kantelspel als de host.
    .name_in_use = Iemand met de naam ‘{ $name }’ is al verbonden; kies een andere naam.
    .malformed = Het bericht kon niet worden gelezen.
    .not_joined = Meld je eerst aan met je naam.
    .flooding = Te veel berichten: de verbinding is gesloten.
    .journal = De host kan het sessielogboek niet opslaan; zeg het tegen de facilitator.
    .removed = De facilitator heeft je uit de sessie gehaald.
    .not_admitted = De facilitator heeft je niet toegelaten.
    .replaced = Je plaats is op een ander apparaat geopend; hier is de verbinding gesloten.
    .no_such_table = Deze workshop heeft geen tafel { $table }.

# What the rules refuse.
rule =
    .not_facilitator = Alleen de facilitator kan dit doen.
    .unknown_seat = Er is geen plaats { $seat } in deze sessie.
    .no_role = Je hebt nog geen rol: kies er eerst een.
    .not_your_role = Deze stap is voor de rol { $expected }, en jij speelt { $actual }.
    .wrong_phase = Dat kan nu niet, in deze fase van het spel.
    .stale_vote = Deze stem was voor ronde { $round }, stap { $step }, en die is al gesloten.
    .unknown_option = Deze stap heeft geen keuze { $option }.
    .unknown_role = Deze sessie kent geen rol ‘{ $role }’.
    .unknown_card = Dit spel kent geen kaart ‘{ $card }’.
    .over = De sessie is afgelopen.
    .paused = De sessie staat even stil.
    .no_votes = Er is nog niet gestemd.
    .name_taken = De naam ‘{ $name }’ is al in gebruik in deze sessie.
    .bad_name = Een naam heeft 1 tot { $max } tekens.
    .role_full = De rol ‘{ $role }’ is vol; kies een andere rol.
    .nothing_to_undo = Er is geen besluit om te wijzigen.
    .bad_timer = Een timer duurt 1 seconde tot een uur.
    .card_underway = Over een deel van deze kaart is al besloten.
    .unknown_programme = Dit spel kent geen programma ‘{ $programme }’.
    .bad_programme = Een programma heeft minstens één kaart (elke kaart één keer) en 1 tot { $max } rondes.
    .not_observer = Alleen een observator met een naam schrijft een notitie bij de tafel.
    .notes_full = Deze tafel bewaart geen notities van observatoren meer.
    .table_full = Aan deze tafel is geen plaats meer.
    .bad_note = Een notitie heeft 1 tot { $max } tekens.

# The browser door.
web =
    .wait = Te veel verkeerde codes vanaf dit apparaat. Probeer het over { $secs } s opnieuw.
    .wrong_code = Deze code klopt niet. Kijk nog eens naar de code op het scherm van de facilitator.
    .hello_first = Het eerste bericht moet een aanmelding met de code zijn.

# The report (HTML, JSON, CSV).
report =
    .tie = gelijke stand
    .earlier_tables = Eerdere tafels
    .archive_heading = Vergeleken met eerdere tafels
    .archive_sessions = { $n ->
        [one] 1 eerdere sessie van dit scenario in het archief van deze laptop.
       *[other] { $n } eerdere sessies van dit scenario in het archief van deze laptop.
    }
    .archive_none = Het archief van deze laptop kent nog geen eerdere sessie van dit scenario.
    .archive_same = { $n } van { $of } eerdere tafels kozen dit ook
    .archive_changed = kaart sindsdien gewijzigd: niet te vergelijken
    .archive_first = nog geen eerdere tafel
    .archive_meter = { $meter } eindigde op { $n }; eerdere sessies tussen { $from } en { $to }
    .own_pick = eigen keuze: { $cards }
    .programme = Programma
    .how_each_table_ended = Zo liep elke tafel af
    .meters_per_table = De meters per tafel
    .same_card = Dezelfde kaarten aan meerdere tafels
    .notes = Notities van de facilitator
    .by_the_facilitator = door de facilitator
    .card = Kaart
    .date = Datum
    .decision = Besluit
    .decisions = Besluiten
    .deck = Deck
    .did_not_vote = niet gestemd
    .how_it_ended = Afloop:
    .key_questions = Kernvragen
    .meter = Meter
    .note = Let op:
    .outcome = Uitkomst
    .overridden_by_the_facilitator = aangepast door de facilitator
    .players_per_role = Spelers per rol
    .questions_for_the_debrief = Vragen voor de nabespreking
    .role = Rol
    .round = ronde
    .round_2 = Ronde
    .rounds_played = Rondes gespeeld
    .start = start
    .the_largest_swings = De grootste schommelingen
    .towards_tipping = richting een kantelpunt
    .away_from_tipping = weg van een kantelpunt
    .the_meters_per_round = De meters per ronde
    .votes = Stemmen

# The players' page in the browser (assets/web/app.js asks for these by the attribute name).
page =
    .debrief_title = Nabespreking
    .time_says = Nog { $n } seconden om te stemmen.
    .vote_closed = De stemming is gesloten.
    .say_round = { $n }: { $name }
    .observer_name = Je naam, voor je notities als observator (mag leeg blijven)
    .note_label = Notitie bij deze ronde (de facilitator ziet die in de nabespreking)
    .note_save = Noteren
    .note_kept = Genoteerd bij ronde { $n }.
    .table = Tafel
    .table_any = Maakt niet uit
    .table_n = Tafel { $n }
    .observe = Meekijken zonder stem (observator of projector)
    .join_title = Meedoen aan de workshop
    .join_intro = Vul je naam in en de code die op het scherm van de facilitator staat.
    .watch_title = Projectorweergave
    .watch_intro = Vul de code in die op het scherm van de facilitator staat. Deze weergave laat zien wat de hele zaal mag zien.
    .name = Je naam
    .code = Code
    .join = Meedoen
    .watch = Toon op dit scherm
    .need_name = Vul je naam in, zodat de anderen weten wie je bent.
    .need_code = Vul de code in.
    .connecting = Verbinden…
    .online = verbonden
    .offline = verbinding kwijt, opnieuw verbinden…
    .at_door = verbonden, wacht op toelating
    .lost = De verbinding is weg. We proberen het opnieuw; je plaats blijft bewaard.
    .choose_role = Kies je rol
    .other_role = Andere rol kiezen
    .your_role = Jouw rol
    .you_play = Jij speelt { $role }.
    .change_role = Je kunt nog van rol wisselen tot de sessie begint.
    .wait_start = De facilitator start de sessie zodra iedereen er is.
    .players = Aan tafel
    .nobody = nog niemand
    .bot = bot
    .player1 = speler
    .playerN = spelers
    .round_of = Ronde { $n } van { $of }
    .paused = Gepauzeerd
    .phase_Lobby = Wachten op de start
    .phase_Briefing = Inlezen
    .phase_Deciding = Beslissen
    .phase_Resolved = Uitkomst
    .phase_Ended = Afgelopen
    .you = { $name } · { $role }
    .no_role = nog geen rol
    .your_briefing = Alleen voor jou ({ $role })
    .general = De situatie
    .decides = Aan zet: { $role }
    .your_turn = Jouw rol is aan zet: kies een optie.
    .can_change = ✓ Je stem is binnen. Je kunt nog een andere optie kiezen tot iedereen met jouw rol gestemd heeft.
    .voted = Gestemd: { $n } van { $of }
    .in_role = Met jouw rol
    .others_decide = Aan zet: { $role }. Jij stemt nu niet mee, maar praat wel mee aan tafel.
    .decided = { $role } koos: { $option }
    .split = Stemverdeling
    .votes1 = stem
    .votesN = stemmen
    .abstained = Niet gestemd: { $n }
    .tie = Gelijke stand: de optie die als eerste op dit aantal kwam, telt.
    .by_Vote = Uitkomst van de stemming
    .by_Facilitator = Besloten door de facilitator
    .by_Override = Door de facilitator gewijzigd
    .meters = Stand van zaken
    .near = dicht bij het omslagpunt
    .zones = Rood gebied: het omslagpunt. Komt een meter daarin, dan kantelt het spel.
    .debrief = Nabespreking
    .ending = Zo liep het af
    .chart = De meters per ronde
    .decisions = Alle besluiten
    .questions = Vragen voor de nabespreking
    .key_questions = Kernvragen
    .round = Ronde
    .time_left = Nog
    .votes_word = stemmen
    .earlier = Eerder in deze casus
    .join_here = Doe mee op je telefoon of laptop
    .join_with_code = met de code
    .waiting_title = Even geduld
    .waiting_text = De sessie is al begonnen. De facilitator ziet dat je er bent en laat je zo binnen.
    .watching = Meekijken
    .removed_hint = Vraag de facilitator om je weer een plaats te geven.

# `deck preview`: a card as a role sees it, and what each option does.
preview =
    .later = over { $n ->
        [one] 1 ronde
       *[other] { $n } rondes
    }: { $meter } { $by }
    .flag_set = zet de vlag `{ $flag }`
    .flag_clear = haalt de vlag `{ $flag }` weg
    .follow_up = vervolg: `{ $card }` over { $n ->
        [one] 1 ronde
       *[other] { $n } rondes
    }
    .chance = { $percent }% kans:{ $what }
    .heading = Wat elke keuze doet (alleen in dit voorbeeld)
    .title = Voorbeeld van een kaart

# The deck graph in the window.
map =
    .thresholds = drempels
    .flags = vlaggen
    .from_round = vanaf ronde { $n }
    .follow_ups = vervolgkaarten
    .title = Deckkaart
    .legend = Blauw: vervolgkaart · oranje: zet of haalt een vlag · groen: kaart komt pas met de vlag · rood gestreept: kaart blijft weg met de vlag
    .never_drawn = nooit getrokken
    .open = Deckkaart

venue =
    .stale = Het adres in de QR-code hoort niet (meer) bij een netwerk van deze laptop. Sluit deze sessie en open een nieuwe, of verbind de laptop weer met dat netwerk.
    .wifi = wifi
    .cable = kabel
    .network = netwerk
    .vpn = VPN — niet voor spelers
    .virtual = virtueel — niet voor spelers
    .no_address = geen netwerk gevonden
    .loopback = alleen deze laptop
    .none = Deze laptop heeft geen netwerk waar telefoons bij kunnen. Verbind hem met de wifi van de locatie, of zet de hotspot van de laptop aan en laat de deelnemers daarmee verbinden.
    .in_code = in de QR-code
    .first_visit = Een browser bereikte de pagina { $secs } s geleden (vanaf { $ip }): het netwerk laat deelnemers binnen.
    .no_visit = Nog geen telefoon op de pagina. Probeer het nu met één telefoon, voordat de deelnemers binnenkomen.
    .folders = Logboeken en verslagen: { $journals } · instellingen en zitplaatsen: { $data }

places =
    .old_found = Een eerdere versie bewaarde logboeken in { $from }. Verplaatsen naar { $to }, of laten staan? (Dit wordt één keer gevraagd.)
    .move = Verplaatsen
    .leave = Laten staan

keep =
    .unreadable = { $name }: geen leesbaar logboek
    .ended = afgelopen
    .open = niet afgelopen
    .forget_sure = Echt vergeten?
    .title = Bewaren en privacy
    .days = Logboeken, verslagen en zitplaatsen bewaren:
    .days_hint = dagen (0: altijd); wat ouder is, wordt bij het starten verwijderd
    .archive = Een archief van eerdere tafels bijhouden (besluiten, nooit namen)
    .earlier = { $n ->
        [one] Het archief kent 1 eerdere sessie van dit scenario.
       *[other] Het archief kent { $n } eerdere sessies van dit scenario.
    }
    .none = Nog geen logboeken.
    .item = { $date } · { $deck } · { $players ->
        [one] 1 deelnemer
       *[other] { $players } deelnemers
    } · { $n ->
        [one] 1 tafel
       *[other] { $n } tafels
    }
    .pseudonymise = Namen vervangen
    .forget = Vergeten
    .forgotten = { $n ->
        [one] 1 bestand verwijderd.
       *[other] { $n } bestanden verwijderd.
    }
    .pseudonymised = { $n ->
        [one] 1 naam vervangen door rol en nummer.
       *[other] { $n } namen vervangen door rol en nummer.
    }
