"""The Italian raw material of the demo data: names, towns, streets, destinations, texts.

Plain data, no logic: ``demo_data`` draws from it. The towns are real, with their CAP,
province, telephone area code and cadastral (Belfiore) code, so that addresses, landlines and
fiscal codes look right. The agency of the demo sits near Verona, as FUTURA VIAGGI of the
manuals (Sommacampagna, VR), so most of its customers live around there.
"""

from __future__ import annotations

MALE_NAMES = (
    "Marco", "Giuseppe", "Giovanni", "Antonio", "Mario", "Luigi", "Francesco", "Alessandro",
    "Andrea", "Stefano", "Roberto", "Paolo", "Luca", "Matteo", "Lorenzo", "Davide", "Simone",
    "Federico", "Riccardo", "Gabriele", "Fabio", "Massimo", "Claudio", "Daniele", "Alberto",
    "Enrico", "Franco", "Sergio", "Bruno", "Carlo", "Giorgio", "Pietro", "Nicola", "Vincenzo",
    "Salvatore", "Domenico", "Emanuele", "Michele", "Tommaso", "Filippo", "Leonardo", "Edoardo",
    "Giacomo", "Diego", "Mattia", "Angelo", "Renato", "Gianni", "Walter", "Maurizio", "Nicolò",
    "Elia", "Samuele", "Cristian", "Valerio", "Ivano", "Dario", "Ugo", "Raffaele", "Ettore",
)

FEMALE_NAMES = (
    "Maria", "Anna", "Giulia", "Francesca", "Sara", "Laura", "Chiara", "Valentina", "Elena",
    "Alessandra", "Silvia", "Federica", "Martina", "Paola", "Roberta", "Giorgia", "Elisa",
    "Barbara", "Monica", "Cristina", "Simona", "Daniela", "Claudia", "Stefania", "Patrizia",
    "Lucia", "Rosa", "Angela", "Giovanna", "Teresa", "Carla", "Rita", "Marta", "Alice",
    "Aurora", "Sofia", "Emma", "Beatrice", "Greta", "Ginevra", "Noemi", "Irene", "Camilla",
    "Arianna", "Serena", "Veronica", "Michela", "Ilaria", "Erika", "Luisa", "Franca", "Gabriella",
    "Antonella", "Manuela", "Nadia", "Tiziana", "Rossella", "Debora", "Lorena", "Miriam",
)

LAST_NAMES = (
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino",
    "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo",
    "Lombardi", "Moretti", "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso",
    "Ferrara", "Galli", "Martini", "Leone", "Longo", "Gentile", "Martinelli", "Vitale",
    "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti", "Parisi", "Villa",
    "Conte", "Ferraro", "Ferri", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini", "Messina",
    "Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi",
    "Monti", "Cattaneo", "Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Grassi",
    "Pellegrino", "Carbone", "Giuliani", "Benedetti", "Barone", "Rossetti", "Caputo",
    "Montanari", "Guerra", "Palmieri", "Bernardi", "Martino", "Fiore", "De Rosa", "Ferretti",
    "Bellini", "Basile", "Riva", "Donati", "Piras", "Vitali", "Battaglia", "Sartori", "Neri",
    "Costantini", "Milani", "Pagano", "Ruggiero", "Sorrentino", "D'Amico", "Orlando", "Damico",
    "Negri", "Zanetti", "Zanella", "Tosi", "Bertolini", "Zorzi", "Tommasi", "Girelli",
    "Zampieri", "Tognetti", "Bonetti", "Castagna", "Olivieri", "Rosso", "Brunelli", "Pasetto",
    "Residori", "Zanini", "Perbellini", "Fasoli", "Adami", "Benini", "Cordioli", "Righetti",
    "Marchi", "Bertoldi", "Bonomi", "Zenari", "Facincani", "Turrini", "Vantini", "Melotti",
)

#: (town, CAP, province, area code, cadastral code, weight). Weights favour Verona's area.
TOWNS = (
    ("SOMMACAMPAGNA", "37066", "VR", "045", "I821", 30),
    ("VERONA", "37121", "VR", "045", "L781", 120),
    ("VILLAFRANCA DI VERONA", "37069", "VR", "045", "L949", 30),
    ("BUSSOLENGO", "37012", "VR", "045", "B296", 20),
    ("SAN GIOVANNI LUPATOTO", "37057", "VR", "045", "H924", 20),
    ("PESCHIERA DEL GARDA", "37019", "VR", "045", "G489", 12),
    ("BARDOLINO", "37011", "VR", "045", "A650", 8),
    ("LEGNAGO", "37045", "VR", "0442", "E512", 12),
    ("MANTOVA", "46100", "MN", "0376", "E897", 10),
    ("BRESCIA", "25121", "BS", "030", "B157", 12),
    ("VICENZA", "36100", "VI", "0444", "L840", 12),
    ("PADOVA", "35121", "PD", "049", "G224", 12),
    ("VENEZIA", "30121", "VE", "041", "L736", 10),
    ("TREVISO", "31100", "TV", "0422", "L407", 8),
    ("TRENTO", "38122", "TN", "0461", "L378", 8),
    ("BOLZANO", "39100", "BZ", "0471", "A952", 5),
    ("MILANO", "20121", "MI", "02", "F205", 25),
    ("MONZA", "20900", "MB", "039", "F704", 5),
    ("BERGAMO", "24121", "BG", "035", "A794", 6),
    ("COMO", "22100", "CO", "031", "C933", 4),
    ("VARESE", "21100", "VA", "0332", "L682", 3),
    ("TORINO", "10121", "TO", "011", "L219", 10),
    ("NOVARA", "28100", "NO", "0321", "F952", 2),
    ("ASTI", "14100", "AT", "0141", "A479", 2),
    ("GENOVA", "16121", "GE", "010", "D969", 6),
    ("LA SPEZIA", "19121", "SP", "0187", "E463", 2),
    ("TRIESTE", "34121", "TS", "040", "L424", 3),
    ("UDINE", "33100", "UD", "0432", "L483", 3),
    ("BOLOGNA", "40121", "BO", "051", "A944", 12),
    ("MODENA", "41121", "MO", "059", "F257", 5),
    ("PARMA", "43121", "PR", "0521", "G337", 4),
    ("REGGIO NELL'EMILIA", "42121", "RE", "0522", "H223", 3),
    ("PIACENZA", "29121", "PC", "0523", "G535", 2),
    ("FERRARA", "44121", "FE", "0532", "D548", 3),
    ("RAVENNA", "48121", "RA", "0544", "H199", 3),
    ("RIMINI", "47921", "RN", "0541", "H294", 3),
    ("FIRENZE", "50122", "FI", "055", "D612", 8),
    ("PISA", "56125", "PI", "050", "G702", 2),
    ("LUCCA", "55100", "LU", "0583", "E715", 2),
    ("LIVORNO", "57123", "LI", "0586", "E625", 2),
    ("SIENA", "53100", "SI", "0577", "I726", 2),
    ("AREZZO", "52100", "AR", "0575", "A390", 2),
    ("PERUGIA", "06121", "PG", "075", "G478", 3),
    ("ANCONA", "60121", "AN", "071", "A271", 3),
    ("PESARO", "61121", "PU", "0721", "G479", 2),
    ("ROMA", "00184", "RM", "06", "H501", 25),
    ("LATINA", "04100", "LT", "0773", "E472", 2),
    ("PESCARA", "65121", "PE", "085", "G482", 2),
    ("NAPOLI", "80133", "NA", "081", "F839", 12),
    ("SALERNO", "84121", "SA", "089", "H703", 3),
    ("BARI", "70121", "BA", "080", "A662", 6),
    ("FOGGIA", "71121", "FG", "0881", "D643", 2),
    ("TARANTO", "74121", "TA", "099", "L049", 2),
    ("LECCE", "73100", "LE", "0832", "E506", 3),
    ("REGGIO DI CALABRIA", "89125", "RC", "0965", "H224", 2),
    ("PALERMO", "90133", "PA", "091", "G273", 6),
    ("CATANIA", "95124", "CT", "095", "C351", 5),
    ("MESSINA", "98122", "ME", "090", "F158", 3),
    ("SIRACUSA", "96100", "SR", "0931", "I754", 2),
    ("CAGLIARI", "09124", "CA", "070", "B354", 3),
    ("SASSARI", "07100", "SS", "079", "I452", 2),
)

STREETS = (
    "VIA ROMA", "VIA GARIBALDI", "VIA MAZZINI", "CORSO VITTORIO EMANUELE II", "VIA CAVOUR",
    "VIA DANTE ALIGHIERI", "VIA GIUSEPPE VERDI", "VIA GUGLIELMO MARCONI", "VIA XX SETTEMBRE",
    "VIA IV NOVEMBRE", "PIAZZA DELLA REPUBBLICA", "VIA DEI MILLE", "VIA NAZIONALE",
    "VIA ALESSANDRO MANZONI", "VIA GIACOMO LEOPARDI", "VIA GIOSUÈ CARDUCCI", "VIA MATTEOTTI",
    "VIA ANTONIO GRAMSCI", "VIA EUROPA", "VIA SAN FRANCESCO", "VIA DELLA LIBERTÀ",
    "VIALE DELLA VITTORIA", "VIA DON MINZONI", "VIA CESARE BATTISTI", "VIA SAN MARCO",
    "VIA PALLADIO", "CORSO PORTA NUOVA", "VIA MONTE BALDO", "VIA DEL LAVORO",
    "VIA DELL'INDUSTRIA", "VIA DELL'ARTIGIANATO", "VIA SARAGAT", "VIA BORGO ROMA",
    "VIA CUSTOZA", "VIA DEGLI ALPINI", "VIA PADRE PIO", "VIA PAPA GIOVANNI XXIII",
)

#: Real Italian mobile prefixes (TIM, Vodafone, WindTre, Iliad, PosteMobile, Fastweb, ...).
MOBILE_PREFIXES = (
    "330", "331", "333", "334", "335", "336", "337", "338", "339", "360", "363", "366", "368",
    "340", "342", "343", "344", "345", "346", "347", "348", "349",
    "320", "322", "323", "324", "327", "328", "329", "380", "383", "388", "389", "391", "392",
    "393", "350", "351", "352", "370", "371", "373", "375", "376", "377", "379",
)

#: Mobiles of customers living abroad, already in international form.
FOREIGN_MOBILES = (
    "+41 79 {a:03d} {b:02d} {c:02d}",  # Switzerland
    "+49 151 {a:03d}{b:02d}{c:03d}",  # Germany
    "+33 6 {a:02d} {b:02d} {c:02d} {d:02d}",  # France
    "+44 7911 {a:03d}{c:03d}",  # United Kingdom
)

#: Numbers as people really type them into the mobile field when it goes wrong. Only those the
#: forms take (digits and separators): a mobile written with letters ("nessuno", "cell. 333")
#: is refused by the client form, so a demo client holding one could not be edited as it is.
MALFORMED_MOBILES = (
    "349/99999", "3.49+09", "(333)", "0000000", "348 12345678 90", "339-12", "00",
    "333.1234.5", "+39 34", "-",
)

EMAIL_DOMAINS = (
    "gmail.com", "libero.it", "alice.it", "hotmail.it", "yahoo.it", "virgilio.it",
    "tiscali.it", "outlook.it", "fastwebnet.it", "tim.it", "icloud.com",
)

#: Company name patterns: {s} a surname, {t} a town, {n} a first name.
COMPANY_PATTERNS = (
    ("AGENZIA VIAGGI {S}", True),
    ("{S} VIAGGI S.R.L.", True),
    ("{T} TOUR S.R.L.", True),
    ("{S} & {S2} S.N.C.", False),
    ("STUDIO {S} ASSOCIATI", False),
    ("{S} COSTRUZIONI S.P.A.", False),
    ("AUTOTRASPORTI {S}", False),
    ("FARMACIA {S}", False),
    ("RISTORANTE DA {N}", False),
    ("HOTEL {T}", False),
    ("{S} SERVICE S.R.L.", False),
    ("IMPRESA EDILE {S}", False),
    ("OFFICINA MECCANICA {S}", False),
    ("CANTINA {S}", False),
    ("{S} IMPIANTI S.R.L.", False),
    ("GRUPPO {S} S.P.A.", False),
    ("ASSOCIAZIONE CULTURALE {T}", False),
    ("PARROCCHIA DI {T}", False),
)

#: The preferences of seed 000 ("Applica Preferenze a Cliente"), with how common each is.
PREFERENCES = (
    ("1", "CITTA' D'ARTE", 18),
    ("2", "BUSINESS", 6),
    ("3", "CAPITALI", 12),
    ("4", "CARAIBI", 10),
    ("7", "WELLNESS", 9),
    ("8", "MONTAGNA", 11),
    ("CROC", "CROCIERE", 14),
    ("ECO", "ECONOMY", 8),
    ("MAR", "MARE", 25),
)

#: (destination, lowest and highest price of a practice, weight).
DESTINATIONS = (
    ("SHARM EL SHEIKH", 700, 2400, 10),
    ("MAR ROSSO - MARSA ALAM", 750, 2600, 7),
    ("CROCIERA MEDITERRANEO OCCIDENTALE", 900, 3800, 8),
    ("CROCIERA FIORDI NORVEGESI", 1500, 5200, 3),
    ("CROCIERA ISOLE GRECHE", 1000, 4000, 4),
    ("PARIGI", 400, 1600, 6),
    ("LONDRA", 450, 1800, 6),
    ("NEW YORK", 1400, 4500, 5),
    ("BARCELLONA", 350, 1400, 5),
    ("PRAGA", 300, 1100, 4),
    ("VIENNA", 300, 1200, 4),
    ("BUDAPEST", 280, 1000, 3),
    ("LISBONA", 400, 1500, 3),
    ("AMSTERDAM", 400, 1500, 3),
    ("ROMA", 200, 900, 4),
    ("FIRENZE E LE COLLINE DEL CHIANTI", 250, 1100, 3),
    ("SARDEGNA - COSTA SMERALDA", 900, 4200, 7),
    ("SICILIA - TAORMINA", 600, 2500, 5),
    ("PUGLIA - SALENTO", 500, 2200, 6),
    ("COSTIERA AMALFITANA", 600, 2600, 4),
    ("CINQUE TERRE", 300, 1200, 2),
    ("CANARIE - TENERIFE", 650, 2200, 6),
    ("BALEARI - IBIZA", 600, 2100, 4),
    ("GRECIA - SANTORINI", 700, 2600, 5),
    ("CRETA", 600, 2100, 4),
    ("MALDIVE", 2800, 9000, 4),
    ("ZANZIBAR", 1800, 5200, 3),
    ("KENYA - WATAMU", 1500, 4200, 3),
    ("MESSICO - RIVIERA MAYA", 1900, 5800, 4),
    ("CUBA - VARADERO", 1500, 4200, 3),
    ("REPUBBLICA DOMINICANA", 1500, 4500, 4),
    ("CARAIBI - ANTIGUA", 2400, 7000, 2),
    ("THAILANDIA", 1600, 4800, 3),
    ("GIAPPONE", 2500, 7500, 2),
    ("DUBAI", 1100, 3800, 3),
    ("CROCIERA SUL NILO", 1000, 3200, 2),
    ("DOLOMITI - VAL GARDENA", 500, 2200, 4),
    ("MADONNA DI CAMPIGLIO", 600, 2600, 3),
    ("TERME DI ABANO", 250, 1200, 3),
    ("LAGO DI GARDA - WEEKEND BENESSERE", 180, 800, 3),
    ("TOUR DELLA SCOZIA", 1300, 3600, 2),
    ("ISLANDA", 1600, 4800, 2),
    ("CAPITALI DEL NORD", 1200, 3500, 2),
    ("MAROCCO - MARRAKECH", 500, 1800, 3),
    ("TUNISIA - DJERBA", 450, 1500, 3),
    ("POLINESIA", 4500, 12000, 1),
    ("USA - COSTA OVEST", 2500, 7000, 2),
    ("FIERA DI FRANCOFORTE (VIAGGIO DI LAVORO)", 400, 1600, 2),
    ("CONGRESSO A MILANO (VIAGGIO DI LAVORO)", 150, 700, 2),
    ("VOLO VERONA-CATANIA", 90, 450, 3),
)

#: Fictional suppliers: tour operators, carriers, hotels (name, landline area code).
SUPPLIERS = (
    "MEDITERRANEO TOUR OPERATOR S.P.A.",
    "CROCIERE AZZURRE S.R.L.",
    "ALPI & DOLOMITI VIAGGI",
    "CARAIBI DREAM T.O.",
    "ORIENTE EXPRESS TOUR OPERATOR",
    "SCALIGERA AUTONOLEGGI",
    "GARDA BUS EXPRESS S.N.C.",
    "HOTEL BELLAVISTA RIMINI",
    "VIAGGIO SICURO ASSICURAZIONI",
    "NORD EUROPA TRAVEL",
    "ISOLE DEL SOLE T.O.",
    "TRANSFER AEROPORTO CATULLO",
    "AGENZIA VISTI E PASSAPORTI ROMA",
    "GRAND TOUR ITALIA S.R.L.",
    "SAFARI & MARE T.O.",
    "BIGLIETTERIA FERROVIARIA VERONA",
)

#: Preset texts of "SMS Pratiche", one per status (placeholders as in sms.placeholders).
PRACTICE_TEXTS = {
    "balance-not-notified": (
        "Gentile {nome}, le ricordiamo il saldo di {saldo} euro della pratica {pratica} "
        "(partenza {partenza}). Futura Viaggi"
    ),
    "documents-not-notified": (
        "Gentile {nome}, i documenti di viaggio della pratica {pratica} sono pronti: "
        "passi a ritirarli in agenzia. Futura Viaggi"
    ),
    "unpaid": (
        "Gentile Cliente le ricordiamo che la pratica da lei prenotata non risulta ancora "
        "essere saldata. Per info contattaci in Agenzia"
    ),
    "documents-not-delivered": (
        "Gentile {nome}, non ha ancora ritirato i documenti della pratica {pratica} in "
        "partenza il {partenza}. La aspettiamo in agenzia!"
    ),
}

PROMO_TEXTS = (
    "Futura Viaggi: crociera nel Mediterraneo 7 notti da 599 euro a persona. Posti limitati! "
    "Info 045 510712",
    "Speciale Mar Rosso: Sharm el Sheikh all inclusive da 690 euro. Prenota entro fine mese!",
    "Capitali europee: weekend a Parigi, Praga o Vienna con volo e hotel da 299 euro.",
    "Neve in Dolomiti: 3 notti con skipass da 349 euro. Chiama Futura Viaggi 045 510712",
    "Caraibi d'inverno: Santo Domingo 9 giorni da 1.290 euro, partenze da Verona.",
    "Benessere sul Garda: weekend spa per due da 199 euro. Info in agenzia.",
    "Prenota prima! Sconto del 10% sulle vacanze estive confermate entro il 31 marzo.",
    "Tour delle citta' d'arte: Firenze, Siena e Pisa in pullman, 4 giorni da 420 euro.",
)

BIRTHDAY_TEXT = "Tanti Auguri {nome} dalla tua Agenzia di Viaggi preferita!"

SINGLE_TEXTS = (
    "Buongiorno, il preventivo richiesto e' pronto. La aspettiamo in agenzia.",
    "Gentile cliente, il volo di domani e' confermato. Buon viaggio da Futura Viaggi!",
    "Le ricordiamo l'appuntamento di domani alle 10:00 in agenzia.",
    "Il passaporto e' pronto per il ritiro presso i nostri uffici.",
)

#: Why a message was not delivered (undelivered) or refused (failed), as gateways say it.
UNDELIVERED_REASONS = (
    ("NOTDELIVERED", "Telefono spento o non raggiungibile oltre il periodo di validità"),
    ("NOTDELIVERED", "Numero inesistente"),
    ("NOTDELIVERED", "Memoria del telefono piena"),
)
FAILED_REASONS = (
    ("NOSENT", "Numero destinatario non valido"),
    ("NOSENT", "Destinatario in blacklist"),
    ("NOSENT", "Operatore non raggiungibile"),
)

#: The CRM outcomes of seed 004, by group.
OUTCOMES = (
    ("DA CONTATTARE", "to_start", "grey", True),
    ("IN TRATTATIVA", "in_progress", "yellow", False),
    ("PREVENTIVO INVIATO", "in_progress", "orange", False),
    ("VENDUTO", "positive", "green", False),
    ("NON INTERESSATO", "negative", "red", False),
    ("PREZZO TROPPO ALTO", "negative", "red", False),
)

REQUEST_TEXTS = (
    "Chiede un preventivo per {dest}",
    "Interessato a {dest} per la prossima estate",
    "Vuole informazioni su {dest} per il viaggio di nozze",
    "Chiede disponibilità per {dest} a ponte di Ognissanti",
    "Richiede catalogo e prezzi per {dest}",
)
