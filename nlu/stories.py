# ruff: noqa: E501  (phrase banks: one sentence per line reads better than wrapped strings)
"""Long "real-style" training messages, composed from hand-written parts (ky/ru/en).

Real messages tell a story first and ask last: a greeting or an apology, who and where (often a
relative, often not Russia), what happened, sometimes a second need, then the question. The
parts below were written for Sapar (no real person's text); `compose()` strings them together
in those shapes, and `python -m nlu.stories` writes nlu/data/<lang>/real_style.yml, which
training reads like any other data file. The held-out real-style set (tests/data/real_style)
is written separately and never drawn from these parts.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from nlu.data import NLU_DIR

OPENERS = {
    "en": ["", "", "Hello.", "hi", "Good day,", "sorry to bother you,", "Salam.",
           "Please help me understand.", "sorry for my english.", "I need advice."],
    "ru": ["", "", "Здравствуйте.", "добрый день", "Салам алейкум.", "извините что беспокою,",
           "подскажите пожалуйста,", "Здрасте, вопрос.", "простите за ошибки.", "ассалам"],
    "ky": ["", "", "Саламатсызбы.", "салам", "Ассалому алейкум.", "кечиресиз,",
           "salam", "суранам жардам бериниз,", "саламатсыздарбы, суроом бар.", "салам ага"],
}

BACKGROUNDS = {
    "en": [
        "I came to Russia in spring with my friends from Batken.",
        "My son has been working in Moscow for two years.",
        "I am from Osh, now I live in Novosibirsk with my cousins.",
        "We found this job through a man on Telegram.",
        "my wife works in Istanbul as a cleaner since last year",
        "I am in Kazakhstan, Shymkent, at a construction company.",
        "I went to South Korea on the E-9 visa through a program.",
        "I am on a farm in England, Herefordshire, seasonal worker.",
        "my brother is in Dubai, he went there three months ago",
        "I worked in a Moscow market for a Tajik owner.",
        "we are five people from Jalal-Abad living in one room.",
        "I am 23, this is my first time abroad.",
        "My daughter left for Turkey after school to earn money.",
        "I have been in Saint Petersburg for almost a year.",
    ],
    "ru": [
        "Я приехал в Россию весной с друзьями из Баткена.",
        "Сын уже два года работает в Москве.",
        "Я из Оша, сейчас живу в Новосибирске у родственников.",
        "Работу нашли через одного человека в телеграме.",
        "жена работает в Стамбуле уборщицей с прошлого года",
        "Я в Казахстане, в Шымкенте, на стройке.",
        "Я поехал в Южную Корею по визе E-9 через программу.",
        "Я на ферме в Англии, сезонный работник.",
        "брат в Дубае, уехал туда три месяца назад",
        "работал на рынке в Москве у одного хозяина",
        "нас пять человек из Джалал-Абада живём в одной комнате",
        "мне 23 года, первый раз за границей.",
        "Дочь после школы уехала в Турцию на заработки.",
        "Я почти год в Питере.",
    ],
    "ky": [
        "Жазында достор менен Баткенден Россияга келгем.",
        "Уулум эки жылдан бери Москвада иштейт.",
        "Оштонмун, азыр Новосибирскиде туугандарда жашайм.",
        "жумушту телеграмдагы бир киши аркылуу таптык",
        "аялым Стамбулда былтыртадан бери тазалоочу болуп иштейт",
        "Казакстандамын, Шымкентте стройкада иштейм.",
        "Кореяга E-9 виза менен программа аркылуу кеткем.",
        "Англияда фермадамын сезондук жумушчу.",
        "иним Дубайда, уч ай мурун кеткен",
        "Москвада базарда бир кожоюнга иштегем",
        "Жалал-Абаддан беш кишибиз бир болмодо жашайбыз",
        "23 жаштамын чет олкого биринчи жолу чыктым",
        "Кызым мектептен кийин Турцияга иштегени кетти.",
        "Питерде бир жылга жакын болуп калдым.",
        "men moskvada 8 ai boldu stroikada ishteim",
        "uulum rossiyada, kazanda jurot",
    ],
}

# intent -> (what happened, the question); several of each, mixed freely.
PARTS: dict[str, dict[str, tuple[list[str], list[str]]]] = {
    "en": {
        "passport_taken": (
            ["the employer took our passports on the first day and keeps them in his office",
             "the boss has my passport, he said it is for the registration but it is two months now",
             "they took my documents for safe keeping and now refuse to give them back",
             "the landlord holds my passport until I pay the rent"],
            ["How can I get my passport back?", "is it legal to keep my passport? what do I do",
             "what should I do to take my documents back"]),
        "unpaid_wages": (
            ["they have not paid us for three months, every time they say next week",
             "the company paid only half the salary and cut the rest as fines",
             "I finished the work but the foreman disappeared with our money",
             "the salary is much less than the contract said"],
            ["How can I get my wages?", "where can I complain about unpaid salary?",
             "can I get the money they owe me?"]),
        "trafficking_signs": (
            ["last year they kept us on a farm and we worked for food only, now I am home",
             "back then the owner took our phones and we could not leave for a month, now it is over",
             "they said we owe for the ticket and the debt only grew, we worked for nothing",
             "two years ago I was in a workshop where nobody could go out alone"],
            ["was this trafficking or forced labour?", "what are the signs of forced labour?",
             "can I report it now that I am safe?"]),
        "urgent_danger": (
            ["right now they have locked us in and the guard will not let anyone out",
             "he is beating my brother now and says he will kill him",
             "I am hiding in the toilet, they took my phone and passport and lock the door",
             "they are holding my daughter in a flat and she cannot leave"],
            ["please help now", "what do I do right now, please", "help us, we are in danger"]),
        "self_check": (
            ["I work 12 hours every day and the boss keeps my passport but I can go out",
             "they pay late and take fines, I am not sure if my situation is normal"],
            ["Can you check my situation?", "am I in forced labour? let me do the check",
             "I want to test myself with your questions"]),
        "entry_ban": (
            ["I was deported three years ago and got a stamp",
             "I overstayed last time and at the airport they said something about a ban",
             "I had two fines for the registration last year"],
            ["How do I check if I have an entry ban to Russia?", "is my ban still active?",
             "can I enter Russia again or am I on the black list?"]),
        "control_list": (
            ["a friend told me my name may be in the register of controlled persons",
             "the bank blocked my card and said I am in the RKL"],
            ["How do I check the control list?", "what does the controlled persons register mean for me?",
             "how do I get out of the control list?"]),
        "stay_rule": (
            ["I have been in Russia for 80 days and have no contract yet",
             "my contract ended and I am looking for a new job",
             "I came in January and left in May and want to come back"],
            ["How many days can I stay?", "how is the 90 days rule counted?",
             "how long am I allowed to stay without a contract?"]),
        "work_documents": (
            ["my registration expired and the employer did not make a new one",
             "the employer says we do not need a contract or medical",
             "I want to work legally but I do not know which papers I need"],
            ["What documents do I need to work legally?", "do I need a patent as a Kyrgyz citizen?",
             "how do I do the registration and the contract?"]),
        "deportation": (
            ["the police caught me without registration and the court decided to expel me",
             "the migration police say I will be deported next week",
             "my husband is in the detention centre waiting for deportation"],
            ["What happens after deportation?", "can they deport me for this and for how long?",
             "what are the consequences of the expulsion?"]),
        "return_home": (
            ["I have no money left for a ticket and my passport is lost",
             "the job ended and I am stuck here without money",
             "I want to go back to Kyrgyzstan as soon as possible"],
            ["How can I get home?", "who can help me return home?",
             "how do I get a ticket home without money?"]),
        "family_concern": (
            ["my son has not called for a month and his phone is off",
             "we lost contact with my husband after he went to Russia",
             "my sister stopped answering and her friends do not know where she is"],
            ["How can we find him?", "what can we do from Kyrgyzstan to find her?",
             "who helps families to find a missing migrant?"]),
        "job_offer_check": (
            ["a recruiter on Instagram offers a job in Dubai with free flight and high pay",
             "someone offered me a job in a hotel abroad but wants my passport copy first",
             "there is an advert for warehouse work in Poland with visa in one week"],
            ["Is this job offer real?", "how do I know it is not a trap?",
             "what are the red flags in such an offer?"]),
        "recruitment_fees": (
            ["the agency asks 1500 dollars before I go",
             "they want me to pay for the visa, medical and ticket myself and then more",
             "I already paid a middleman and he asks more now"],
            ["Is it normal to pay for a job?", "how much can an agency charge?",
             "can they take money for the job?"]),
        "agency_check": (
            ["an agency in Bishkek promises work in Korea",
             "the office of the agency moved and the phone is different now",
             "the company has a nice website but I am not sure"],
            ["How do I check if the agency has a licence?", "is this agency legal?",
             "where can I see the list of licensed agencies?"]),
        "ngo_help": (
            ["I need a lawyer and a place to stay for a few days",
             "my neighbour came back after a bad season and needs support"],
            ["Which organisations can help?", "where can I get legal help near Osh?",
             "is there a shelter or a psychologist for migrants?"]),
        "hotline_numbers": (
            ["I want to talk to someone by phone about my problem",
             "my relative needs advice today"],
            ["What is the hotline number?", "give me a phone number to call",
             "which number can I call for free?"]),
        "embassy_contacts": (
            ["my passport expires soon and I am abroad",
             "I need a document from the consulate to travel home"],
            ["What is the phone of the Kyrgyz embassy?", "where is the consulate and how do I contact it?",
             "give me the embassy address in Moscow"]),
        "military_recruitment": (
            ["a man in the hostel offers a contract with the army and citizenship",
             "in the detention centre they say I can sign a military contract instead of deportation"],
            ["What happens if I sign the military contract?", "is it a crime for a Kyrgyz citizen?",
             "what are the risks of fighting for money?"]),
        "pre_departure": (
            ["I am going abroad for work for the first time next month",
             "my son wants to leave for Russia after the army"],
            ["What should I prepare before leaving?", "how to go abroad safely?",
             "what do I need to know before I go?"]),
        "talk_to_human": (
            ["my case is complicated and I do not trust a bot",
             "I already read the answers and I still need advice"],
            ["Can I talk to a real person?", "connect me with an operator please",
             "I want a consultant, not a bot"]),
    },
    "ru": {
        "passport_taken": (
            ["работодатель в первый же день забрал паспорта и держит у себя в офисе",
             "паспорт у начальника, сказал для регистрации, а прошло уже два месяца",
             "документы взяли на хранение и теперь не отдают",
             "хозяйка квартиры держит паспорт пока не заплачу"],
            ["Как вернуть паспорт?", "имеют ли право держать мой паспорт? что делать",
             "что сделать чтобы забрать документы"]),
        "unpaid_wages": (
            ["три месяца не платят, каждый раз говорят на следующей неделе",
             "фирма заплатила половину, остальное сняли штрафами",
             "работу сделали а бригадир пропал с нашими деньгами",
             "зарплата намного меньше чем в договоре"],
            ["Как получить зарплату?", "куда жаловаться что не платят?",
             "можно ли вернуть деньги которые должны?"]),
        "trafficking_signs": (
            ["в прошлом году нас держали на ферме и работали только за еду, сейчас я дома",
             "тогда хозяин забрал телефоны и месяц нельзя было уйти, сейчас всё закончилось",
             "сказали что должны за билет и долг только рос, работали бесплатно",
             "два года назад был в цеху где одному выходить было нельзя"],
            ["это была торговля людьми или принудительный труд?", "какие признаки трудового рабства?",
             "можно сейчас об этом заявить, когда я в безопасности?"]),
        "urgent_danger": (
            ["нас сейчас заперли и охранник никого не выпускает",
             "он сейчас бьёт брата и говорит что убьёт",
             "прячусь в туалете, забрали телефон и паспорт и закрывают дверь",
             "дочь держат в квартире и не выпускают"],
            ["помогите сейчас", "что делать прямо сейчас пожалуйста", "помогите нам, мы в опасности"]),
        "self_check": (
            ["работаю по 12 часов каждый день, паспорт у начальника, но выходить могу",
             "платят с задержкой и штрафуют, не знаю нормально ли это"],
            ["Можете проверить мою ситуацию?", "я в трудовом рабстве? давайте пройду проверку",
             "хочу проверить себя по вашим вопросам"]),
        "entry_ban": (
            ["три года назад меня выдворили и поставили штамп",
             "в прошлый раз я просрочил и в аэропорту что-то сказали про запрет",
             "в прошлом году было два штрафа за регистрацию"],
            ["Как проверить есть ли запрет на въезд в Россию?", "запрет ещё действует?",
             "могу я снова въехать или я в чёрном списке?"]),
        "control_list": (
            ["друг сказал что меня могли внести в реестр контролируемых лиц",
             "банк заблокировал карту и сказал что я в РКЛ"],
            ["Как проверить реестр контролируемых лиц?", "что значит для меня этот реестр?",
             "как выйти из реестра?"]),
        "stay_rule": (
            ["я в России уже 80 дней и договора пока нет",
             "договор закончился, ищу новую работу",
             "приехал в январе уехал в мае и хочу вернуться"],
            ["Сколько дней можно находиться?", "как считается правило 90 дней?",
             "сколько можно быть без договора?"]),
        "work_documents": (
            ["регистрация закончилась а работодатель новую не сделал",
             "работодатель говорит договор и медкомиссия не нужны",
             "хочу работать легально но не знаю какие бумаги нужны"],
            ["Какие документы нужны чтобы работать легально?", "нужен ли патент гражданину Кыргызстана?",
             "как сделать регистрацию и договор?"]),
        "deportation": (
            ["полиция поймала без регистрации и суд решил выдворить",
             "миграционка говорит на следующей неделе депортируют",
             "муж в центре временного содержания ждёт депортации"],
            ["Что будет после депортации?", "могут ли депортировать за это и на сколько?",
             "какие последствия выдворения?"]),
        "return_home": (
            ["денег на билет не осталось и паспорт потерял",
             "работа закончилась и я застрял здесь без денег",
             "хочу вернуться в Кыргызстан как можно скорее"],
            ["Как вернуться домой?", "кто поможет вернуться домой?",
             "как купить билет домой без денег?"]),
        "family_concern": (
            ["сын уже месяц не звонит, телефон выключен",
             "потеряли связь с мужем после того как он уехал в Россию",
             "сестра перестала отвечать и подруги не знают где она"],
            ["Как его найти?", "что мы можем сделать из Кыргызстана чтобы её найти?",
             "кто помогает семьям искать пропавшего мигранта?"]),
        "job_offer_check": (
            ["в инстаграме вербовщик предлагает работу в Дубае, билет бесплатно, зарплата большая",
             "предложили работу в отеле за границей но сначала просят копию паспорта",
             "есть объявление про склад в Польше, виза за неделю"],
            ["Это предложение настоящее?", "как понять что это не ловушка?",
             "какие тревожные признаки у такого предложения?"]),
        "recruitment_fees": (
            ["агентство просит 1500 долларов до выезда",
             "говорят самому оплатить визу, медкомиссию и билет, а потом ещё",
             "уже заплатил посреднику а он просит ещё"],
            ["Это нормально платить за работу?", "сколько может брать агентство?",
             "имеют ли право брать деньги за трудоустройство?"]),
        "agency_check": (
            ["агентство в Бишкеке обещает работу в Корее",
             "офис агентства переехал и телефон другой",
             "у фирмы красивый сайт но я не уверен"],
            ["Как проверить лицензию агентства?", "это агентство законное?",
             "где посмотреть список лицензированных агентств?"]),
        "ngo_help": (
            ["нужен юрист и где пожить несколько дней",
             "сосед вернулся после плохого сезона, ему нужна поддержка"],
            ["Какие организации могут помочь?", "где получить юридическую помощь в Оше?",
             "есть ли приют или психолог для мигрантов?"]),
        "hotline_numbers": (
            ["хочу поговорить по телефону о своей проблеме",
             "родственнику нужен совет сегодня"],
            ["Какой номер горячей линии?", "дайте номер куда позвонить",
             "по какому номеру можно позвонить бесплатно?"]),
        "embassy_contacts": (
            ["паспорт скоро заканчивается а я за границей",
             "нужна справка из консульства чтобы доехать домой"],
            ["Какой телефон посольства Кыргызстана?", "где консульство и как с ним связаться?",
             "дайте адрес посольства в Москве"]),
        "military_recruitment": (
            ["в общежитии предлагают контракт с армией и гражданство",
             "в спецприёмнике говорят можно подписать контракт вместо депортации"],
            ["Что будет если подписать военный контракт?", "это преступление для гражданина КР?",
             "какие риски воевать за деньги?"]),
        "pre_departure": (
            ["в следующем месяце первый раз еду за границу на работу",
             "сын после армии хочет уехать в Россию"],
            ["Что подготовить перед выездом?", "как безопасно уехать на работу?",
             "что надо знать перед поездкой?"]),
        "talk_to_human": (
            ["ситуация сложная и боту я не доверяю",
             "ответы уже прочитал но мне всё равно нужен совет"],
            ["Можно поговорить с живым человеком?", "соедините с оператором пожалуйста",
             "нужен консультант а не бот"]),
    },
    "ky": {
        "passport_taken": (
            ["иш берууч биринчи эле куну паспортторду алып офисинде кармап турат",
             "паспортум начальникте, регистрация учун деген эки ай болду",
             "документтерди сактап турабыз деп алып эми кайтарбай жатат",
             "pasportumdu kojoiun alyp aldy berbei jatat",
             "квартиранын ээси акы толомойунчо паспортту бербейт"],
            ["Паспортту кантип кайтарып алам?", "паспортумду кармап турууга укугу барбы? эмне кылам",
             "pasportumdu kantip alam?"]),
        "unpaid_wages": (
            ["уч айдан бери айлык беришпейт ар дайым кийинки жумада дешет",
             "фирма жарымын берип калганын штраф деп кармап калды",
             "ишти буттук бригадир акчабыз менен жоголуп кетти",
             "aylyk berbei jatat 2 ai boldu",
             "айлык договордогудан бир топ аз"],
            ["Айлыгымды кантип алам?", "айлык бербесе кайда арызданам?",
             "карыз акчаны кайтарып алса болобу?", "aylygymdy kantip alsam bolot?"]),
        "trafficking_signs": (
            ["былтыр бизди фермада кармап тамак учун гана иштеттик, азыр уйдомун",
             "ошондо кожоюн телефондорду алып бир ай кете алган жокбуз, азыр баары бутту",
             "билет учун карызсынар деп карыз осо берди бекер иштедик",
             "эки жыл мурун бир цехте болгом жалгыз сыртка чыгууга болбочу"],
            ["бул адам сатуу же мажбурлап иштетуу беле?", "мажбурлап иштетуунун белгилери кандай?",
             "азыр коопсуз болгондо ошону билдирсем болобу?"]),
        "urgent_danger": (
            ["азыр бизди камап коюшту кузотчу эч кимди чыгарбайт",
             "ал азыр иними сабап жатат олтурем дейт",
             "даараткананын ичинде жашынып турам телефон паспортту алып эшикти кулпулап коюшат",
             "kyzymdy bir kvartirada karmap turushat chyga albait",
             "кызымды бир квартирада кармап турушат чыгарбайт"],
            ["азыр жардам бергиле", "азыр эмне кылам суранам", "жардам бергиле биз коркунучта турабыз",
             "tez jardam bergile"]),
        "self_check": (
            ["ар куну 12 сааттан иштейм паспорт кожоюнде бирок сыртка чыга алам",
             "айлыкты кечиктирип берет штраф салат бул нормалдуубу билбейм"],
            ["Абалымды текшерип бересизби?", "мен мажбурлап иштетууго туштум бекен? текшерейин",
             "суроолоруңуз менен озумду текшергим келет"]),
        "entry_ban": (
            ["уч жыл мурун мени чыгарып жиберип штамп коюшкан",
             "откон жолу моонотумдон ашып калгам аэропортто запрет жонундо бир нерсе дешти",
             "былтыр регистрация учун эки штраф болгон",
             "byltyr deportaciya bolgom"],
            ["Россияга кирууго тыюу барбы кантип текшерем?", "запрет дагы эле барбы?",
             "кайра кире аламбы же кара тизмедеминби?", "zapret barby kantip bilem?"]),
        "control_list": (
            ["досум сени контролдук тизмеге киргизиши мумкун деди",
             "банк картамды бөгөттөп сен РКЛдесин деди"],
            ["Контролдук тизмени кантип текшерем?", "бул реестр мен учун эмнени билдирет?",
             "реестрден кантип чыгам?"]),
        "stay_rule": (
            ["Россияда 80 кун болдум договор азырынча жок",
             "договорум бутту жаны жумуш издеп жатам",
             "январда келип майда кеткем кайра келгим келет",
             "rossiyada 85 kun boldum dogovor jok"],
            ["Канча кун турсам болот?", "90 кун эрежеси кантип эсептелет?",
             "договорсуз канча турса болот?", "kancha kun kaldy?"]),
        "work_documents": (
            ["регистрациям буттү иш берууч жанысын жасаган жок",
             "иш берууч договор медкомиссия керек эмес дейт",
             "мыйзамдуу иштегим келет бирок кандай кагаздар керек билбейм"],
            ["Мыйзамдуу иштеш учун кандай документтер керек?", "Кыргызстандын жаранына патент керекпи?",
             "регистрация менен договорду кантип жасайм?", "kandai dokumentter kerek?"]),
        "deportation": (
            ["полиция регистрациясыз кармап сот чыгарып жиберууну чечти",
             "миграционка кийинки жумада депортация кыласын дейт",
             "куйоом убактылуу кармоочу борбордо депортацияны кутуп жатат"],
            ["Депортациядан кийин эмне болот?", "ушул учун депортация кылышабы канча жылга?",
             "чыгарып жиберуунун кесепети кандай?"]),
        "return_home": (
            ["билетке акча калган жок паспортумду да жоготтум",
             "жумуш бутту акчасыз ушул жерде калып калдым",
             "Кыргызстанга тезирээк кайткым келет"],
            ["Уйго кантип кайтам?", "уйго кайтууга ким жардам берет?",
             "акчасыз уйго кантип билет алам?", "uigo kantip ketem?"]),
        "family_concern": (
            ["уулум бир айдан бери чалбайт телефону очук",
             "куйоом Россияга кеткенден кийин байланыш узулду",
             "синдим жооп бербей калды курбулары да кайда экенин билишпейт"],
            ["Аны кантип тапсак болот?", "Кыргызстандан аны табуу учун эмне кыла алабыз?",
             "жоголгон мигрантты издоого ким жардам берет?"]),
        "job_offer_check": (
            ["инстаграмда бирөө Дубайдан жумуш сунуштап жатат билет бекер айлык чон",
             "чет олкодо отелде жумуш сунушташты бирок адегенде паспорттун копиясын сурашат",
             "Польшада складга жумуш деген жарнама бар виза бир жумада"],
            ["Бул жумуш сунушу чынбы?", "капкан эмес экенин кантип билем?",
             "мындай сунуштун коркунучтуу белгилери кандай?"]),
        "recruitment_fees": (
            ["агенттик кетээрден мурун 1500 доллар сурап жатат",
             "визаны медкомиссияны билетти озун толо дешет андан кийин дагы",
             "ортомчуга толоп койгом эми дагы сурап жатат"],
            ["Жумуш учун акча толоо нормалдуубу?", "агенттик канча акча алса болот?",
             "жумушка орноштурганы учун акча алууга укугу барбы?"]),
        "agency_check": (
            ["Бишкектеги агенттик Кореяда жумуш убада кылып жатат",
             "агенттиктин офиси кочуп кетти телефону да башка",
             "фирманын сайты жакшы бирок ишенбей жатам"],
            ["Агенттиктин лицензиясын кантип текшерем?", "бул агенттик мыйзамдуубу?",
             "лицензиясы бар агенттиктердин тизмесин кайдан корсо болот?"]),
        "ngo_help": (
            ["мага юрист жана бир нече кун жашай турган жер керек",
             "коншубуз жаман сезондон кийин келди ага колдоо керек"],
            ["Кайсы уюмдар жардам бере алат?", "Оштон юридикалык жардамды кайдан алам?",
             "мигранттар учун баш калкалоочу жай же психолог барбы?"]),
        "hotline_numbers": (
            ["козгойгон маселем боюнча телефон аркылуу суйлошкум келет",
             "туугаными бугун кенеш керек"],
            ["Ишеним телефонунун номери кайсы?", "чала турган номер бериниз",
             "кайсы номерге акысыз чалса болот?"]),
        "embassy_contacts": (
            ["паспортумдун моонотү жакында бутот мен чет олкодомун",
             "уйго жетиш учун консулдуктан справка керек"],
            ["Кыргызстандын элчилигинин телефону кандай?", "консулдук кайда жана кантип байланышам?",
             "Москвадагы элчиликтин дарегин бериниз"]),
        "military_recruitment": (
            ["общагада армия менен контракт жана гражданство сунушташат",
             "спецприемникте депортациянын ордуна аскер контрактына кол койсон болот дешет"],
            ["Аскер контрактына кол койсом эмне болот?", "Кыргызстандын жараны учун бул кылмышпы?",
             "акча учун согушканын коркунучу кандай?"]),
        "pre_departure": (
            ["кийинки айда биринчи жолу чет олкого жумушка кетем",
             "уулум армиядан кийин Россияга кеткиси келет"],
            ["Кетээрден мурун эмне даярдашым керек?", "жумушка кантип коопсуз кетсе болот?",
             "сапарга чейин эмнени билишим керек?"]),
        "talk_to_human": (
            ["абалым татаал ботко ишенбейм",
             "жоопторду окудум бирок баары бир кенеш керек"],
            ["Чыныгы адам менен суйлошсом болобу?", "оператор менен байланыштырыныз",
             "бот эмес консультант керек"]),
    },
}

SECONDARY = {
    "en": ["also", "and another thing,", "plus", "besides that"],
    "ru": ["ещё", "и ещё", "плюс", "к тому же"],
    "ky": ["дагы", "анан дагы", "оного кошуп", "ошондой эле"],
}

PER_INTENT = 8
"""Composed messages per intent and language (the urgent ones count double, see below)."""


def _join(parts: list[str], rng: random.Random) -> str:
    """Glue sentences as people type them: with full stops, commas or nothing at all."""
    style = rng.random()
    pieces = [p.strip() for p in parts if p.strip()]
    if style < 0.4:
        return " ".join(p if p[-1] in ".?!," else p + "." for p in pieces)
    if style < 0.7:
        return ", ".join(p.rstrip(".") for p in pieces)
    return " ".join(p.rstrip(".,").lower() for p in pieces)


def compose(language: str, intent: str, rng: random.Random) -> str:
    """One long message whose main need is `intent`."""
    parts = PARTS[language]
    happened, questions = parts[intent]
    chosen = [rng.choice(OPENERS[language]), rng.choice(BACKGROUNDS[language])]
    if rng.random() < 0.3:
        chosen.append(rng.choice(BACKGROUNDS[language]))
    chosen.append(rng.choice(happened))
    if intent != "urgent_danger" and rng.random() < 0.35:
        other = rng.choice([i for i in ("unpaid_wages", "passport_taken", "return_home")
                            if i != intent])
        chosen.append(f"{rng.choice(SECONDARY[language])} {rng.choice(parts[other][0])}")
    chosen.append(rng.choice(questions))
    return _join(chosen, rng)


def compose_all(language: str, seed: int = 12) -> dict[str, list[str]]:
    """Every composed message of one language, by intent (deterministic for a seed)."""
    rng = random.Random(f"{seed}-{language}")
    out: dict[str, list[str]] = {}
    for intent in PARTS[language]:
        count = PER_INTENT * (2 if intent in ("urgent_danger", "trafficking_signs") else 1)
        seen: list[str] = []
        for _ in range(count * 4):
            text = compose(language, intent, rng)
            if text not in seen:
                seen.append(text)
            if len(seen) == count:
                break
        out[intent] = seen
    return out


def _quoted(text: str) -> str:
    """A YAML block-list line that survives any punctuation."""
    return text.replace("\n", " ")


def write(directory: Path = NLU_DIR) -> list[Path]:
    """Write nlu/data/<lang>/real_style.yml for every language; return the paths."""
    written = []
    for language in PARTS:
        lines = [
            "# Generated by `python -m nlu.stories` from the parts in nlu/stories.py: edit those.",
            'version: "3.1"',
            "nlu:",
        ]
        for intent, texts in compose_all(language).items():
            lines += [f"- intent: {intent}", "  examples: |"]
            lines += [f"    - {_quoted(t)}" for t in texts]
        path = directory / language / "real_style.yml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write():
        print(written_path, file=sys.stderr)
