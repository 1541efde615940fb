"""Words of the made-up data, one vocabulary for the demo (seed/demo.py) and the bulk seeder
(seed/bulk.py): Czech names with their female forms, nicknames, places, organisations, outcomes
of contacts, titles and notes of cases."""

# Further towns and localities, so that every region has work in several places.
TOWNS = {
    "CZ010": {"Praha": ["Libeň", "Smíchov"]},
    "CZ020": {"Kladno": ["Masokombinát", "Sítná"], "Kolín": ["Zengrova"], "Mladá Boleslav": ["Jičínská"]},
    "CZ031": {"České Budějovice": ["Máj"], "Tábor": ["Čelkovice"], "Písek": ["Václavské předměstí"]},
    "CZ032": {"Klatovy": ["Luby"], "Tachov": ["Rapotín"]},
    "CZ041": {"Karlovy Vary": ["Rybáře"], "Ostrov": ["Hlavní třída"]},
    "CZ042": {"Děčín": ["Boletice"], "Teplice": ["Trnovany"], "Chomutov": ["Kadaňská"], "Litvínov": ["Janov"]},
    "CZ051": {"Liberec": ["Králův Háj"], "Česká Lípa": ["Lada"], "Frýdlant": ["Zahradní"]},
    "CZ052": {"Hradec Králové": ["Pouchov"], "Trutnov": ["Horní Staré Město"], "Náchod": ["Plhov"]},
    "CZ053": {"Pardubice": ["Polabiny"], "Chrudim": ["Cihelna"], "Svitavy": ["Lánská"]},
    "CZ063": {"Jihlava": ["Staré Hory"], "Třebíč": ["Borovina"], "Žďár nad Sázavou": ["Klafar"]},
    "CZ064": {"Hodonín": ["Brandlova"], "Znojmo": ["Hradiště"], "Vyškov": ["Dědice"]},
    "CZ071": {"Prostějov": ["Vrahovice"], "Šumperk": ["Temenice"]},
    "CZ072": {"Zlín": ["Vršava"], "Vsetín": ["Poschla"], "Kroměříž": ["Zachar"]},
    "CZ080": {"Havířov": ["Šumbark"], "Bohumín": ["Nový Bohumín"], "Orlová": ["Lutyně"]},
}

ORGANISATION_NAMES = [
    ("ngo", "Člověk v tísni, o.p.s. – pobočka {town}"),
    ("ngo", "Romodrom, o.p.s. – {town}"),
    ("ngo", "IQ Roma servis, z.s. – {town}"),
    ("ngo", "Společenství Romů na Moravě – {town}"),
    ("ngo", "Vzájemné soužití, o.p.s. – {town}"),
    ("ngo", "Charita {town}"),
    ("ngo", "Diakonie ČCE – středisko {town}"),
    ("municipality", "Magistrát města {town}"),
    ("municipality", "Městský úřad {town}"),
    ("municipality", "Sociální služby města {town}, p.o."),
]

MALE_FIRST = [
    "Jan",
    "Josef",
    "Petr",
    "Pavel",
    "Tomáš",
    "Martin",
    "Jiří",
    "Lukáš",
    "Miroslav",
    "Zdeněk",
    "František",
    "Václav",
    "Radek",
    "Štěpán",
    "Ondřej",
    "Dušan",
    "Milan",
    "Róbert",
    "Ladislav",
    "Emil",
]
FEMALE_FIRST = [
    "Jana",
    "Marie",
    "Eva",
    "Hana",
    "Lucie",
    "Věra",
    "Alena",
    "Renáta",
    "Žaneta",
    "Monika",
    "Kateřina",
    "Markéta",
    "Šárka",
    "Iveta",
    "Zuzana",
    "Nikola",
    "Dagmar",
    "Jiřina",
    "Květa",
    "Aneta",
]
SURNAMES = [
    ("Novák", "Nováková"),
    ("Horváth", "Horváthová"),
    ("Dvořák", "Dvořáková"),
    ("Kováč", "Kováčová"),
    ("Baláž", "Balážová"),
    ("Gábor", "Gáborová"),
    ("Daniel", "Danielová"),
    ("Červeňák", "Červeňáková"),
    ("Lakatoš", "Lakatošová"),
    ("Oláh", "Oláhová"),
    ("Sivák", "Siváková"),
    ("Bílý", "Bílá"),
    ("Černý", "Černá"),
    ("Procházka", "Procházková"),
    ("Kučera", "Kučerová"),
    ("Veselý", "Veselá"),
    ("Horák", "Horáková"),
    ("Němec", "Němcová"),
    ("Pokorný", "Pokorná"),
    ("Pospíšil", "Pospíšilová"),
    ("Hájek", "Hájková"),
    ("Jelínek", "Jelínková"),
    ("Král", "Králová"),
    ("Růžička", "Růžičková"),
    ("Beneš", "Benešová"),
    ("Fiala", "Fialová"),
    ("Sedláček", "Sedláčková"),
    ("Doležal", "Doležalová"),
    ("Zeman", "Zemanová"),
    ("Kolář", "Kolářová"),
    ("Navrátil", "Navrátilová"),
    ("Čermák", "Čermáková"),
    ("Šťastný", "Šťastná"),
    ("Kříž", "Křížová"),
    ("Ferenc", "Ferencová"),
    ("Žiga", "Žigová"),
    ("Mižigár", "Mižigárová"),
    ("Šándor", "Šándorová"),
    ("Tancoš", "Tancošová"),
    ("Ištok", "Ištoková"),
]
NICKNAMES = ["Pepa", "Franta", "Jarda", "Kája", "Bobeš", "Zrzek", "Malá", "Čiko", "Šimi", "Ďula", "Máňa", "Rudla"]
OUTCOMES = [
    "Podáno trestní oznámení.",
    "Vyřízena dávka hmotné nouze.",
    "Dohodnut splátkový kalendář.",
    "Klient odkázán na právní poradnu.",
    "Domluvena další schůzka.",
    "Doprovod k výslechu proběhl.",
    "Předány kontakty na intervenční centrum.",
    "Vysvětlena práva oběti trestného činu.",
]
CASE_TITLES = [
    "Lichva – splácení půjčky",
    "Vydírání v lokalitě",
    "Napadení na ulici",
    "Krádež v bytě",
    "Podvod s půjčkou",
    "Nebezpečné vyhrožování sousedem",
    "Domácí násilí",
    "Nucená práce v zahraničí",
    "Poškození bytu",
    "Pronásledování bývalým partnerem",
]
# An empty outcome is common too: the demo leaves some contacts without one.
DEMO_OUTCOMES = [*OUTCOMES, ""]

# Notes, tasks and police feedback of the demo's cases.
INTERNAL_NOTES = [
    "Klientka se bojí věřitele, schůzky jen v kanceláři.",
    "Dluh narostl z 10 000 na 60 000 Kč za půl roku.",
    "Klient nechce, aby se o oznámení dozvěděla rodina.",
]
SHARED_NOTES = [
    "Klient je ochoten podat vysvětlení na OOP, doprovodí ho asistent.",
    "Věřitel se v lokalitě pohybuje každý pátek u obchodu.",
]
# The outcome an assistant proposes when closing a case (cases.workflow: the coordinator approves).
CASE_CLOSING_OUTCOMES = [
    "Klientka splatila dluh bez lichvářských úroků, oznámení policie odložila; další pomoc nepotřebuje.",
    "Klient se rozhodl věc dál neřešit; poučen o právech a o tom, kam se obrátit.",
]
TASKS = ["Doprovod na služebnu", "Zavolat do intervenčního centra", "Připravit podklady pro zmocněnce"]
FEEDBACK = [
    "Věc převzalo SKPV, prověřuje se. Děkujeme za součinnost.",
    "Oznámení přijato, vyslechneme poškozenou za přítomnosti asistentky.",
]

# Locality observations of crime-prevention assistants (no person is ever named in one).
OBSERVATION_TEXTS = {
    "drug_paraphernalia": [
        "Na dětském hřišti za domy leží použité injekční stříkačky, asi deset kusů u pískoviště.",
        "Ve vchodu do sklepa opakovaně nacházíme stříkačky a obaly od jehel.",
    ],
    "illegal_dumping": [
        "Za garážemi vznikla černá skládka: pneumatiky, starý nábytek, stavební suť.",
        "U kontejnerů na tříděný odpad se hromadí pytle s odpadem a rozbitá lednice.",
    ],
    "unsecured_building": [
        "Prázdný dům na rohu ulice má vylomené dveře, dovnitř chodí děti.",
        "Opuštěná ubytovna: rozbitá okna v přízemí, vchod není zajištěn.",
    ],
    "neighbour_conflict": [
        "Opakované hlučné spory mezi obyvateli domu ve večerních hodinách, stížnosti sousedů.",
    ],
    "usury": [
        "Obyvatelé lokality mluví o člověku, který půjčuje peníze na vysoký úrok a chodí vybírat v den výplaty dávek.",
    ],
    "other": [
        "Nefunkční veřejné osvětlení v podchodu, lidé se večer bojí procházet.",
    ],
}
POLICE_REPLIES = [
    "Děkujeme, hlídka místo prověří v rámci obchůzky tento týden.",
    "Předáno místnímu oddělení, o výsledku dáme vědět.",
    "Informace je zapracována do prověřování, které již probíhá.",
]
# What refused applicants asked for (seed/demo.py); no names, like the records themselves.
REFUSAL_REQUESTS = (
    "Doprovod k soudnímu jednání",
    "Pomoc s vyřízením dávek",
    "Dlouhodobé sociální poradenství",
    "Doprovod na úřad práce",
    "Pomoc s hledáním bydlení",
)

# The district (okres) of a seed town whose district is not named like the town itself.
TOWN_DISTRICTS = {
    "Praha": "Hlavní město Praha",
    "Plzeň": "Plzeň-město",
    "Brno": "Brno-město",
    "Ostrava": "Ostrava-město",
    "Ostrov": "Karlovy Vary",
    "Litvínov": "Most",
    "Frýdlant": "Liberec",
    "Havířov": "Karviná",
    "Bohumín": "Karviná",
    "Orlová": "Karviná",
}

# How often each target group of a person comes up in the made-up data (a victim of crime most
# often; never an ethnic group: a person has none).
TARGET_GROUP_WEIGHTS = {
    "crime_victims": 60,
    "socially_excluded": 30,
    "domestic_violence": 12,
    "crisis": 10,
    "families_with_children": 10,
    "addiction": 5,
    "homeless": 5,
    "seniors": 4,
    "children_youth": 4,
    "leaving_prison": 3,
    "commercially_exploited": 2,
    "trafficking_victims": 1,
}
# Group activities: (topic, category of the activity type, minutes, where the head count comes from).
GROUP_TOPICS = [
    ("Prevence lichvy – beseda", "group", 90),
    ("Jak nenaletět podvodníkům – beseda pro seniory", "group", 60),
    ("Bezpečně na internetu – workshop pro mládež", "group", 120),
    ("Sousedské setkání – bezpečný dům", "community", 120),
    ("Komunitní setkání s okrskářem", "community", 90),
    ("Den otevřených dveří služebny", "community", 180),
    ("Domácí násilí – kde hledat pomoc", "group", 90),
]
GROUP_DESCRIPTIONS = [
    "Beseda proběhla v klubovně, účastníci se ptali na splátkové kalendáře.",
    "Setkání s okrskářem městské policie, téma nepořádek a hluk v domě.",
    "Workshop v nízkoprahovém klubu, rozdány letáky s kontakty.",
    "",
]
# How often each national category is the (first) activity of a contact with people present, and
# what a second activity of the same contact is (often work on the client's behalf after it).
ACTIVITY_WEIGHTS = {
    "accompaniment": 25,
    "consultation": 15,
    "contact": 10,
    "information": 10,
    "phone": 12,
    "advocacy": 8,
    "field_visit": 8,
    "mediation": 5,
    "crisis": 3,
    "intervention": 3,
    "community": 1,
}
SECOND_ACTIVITIES = ["advocacy", "phone", "information"]
SECOND_ACTIVITY_SHARE = 0.3  # of contacts that have two activities
SECOND_ACTIVITY_MINUTES = [5, 10, 15, 20]


def split_minutes(duration: int, second: int) -> tuple[int, int]:
    """The minutes of a contact's two activities: the second's, capped so the first keeps some."""
    second = min(second, duration // 2)
    return duration - second, second
