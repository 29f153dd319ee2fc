"""The lexicons of the shipped triage rules (version 2 and after, issue 20): words by language.

Part of `triage_rules.DEFAULT_RULES` (data, published as a `TriageRuleSet` version). Each lexicon
is {"kk"|"ru"|"en": [terms], "emoji": [...]}, written here as "|"-separated strings; how a term is
matched (a word's beginning, `=word`, phrases, `~`, emojis) is in `triage_match`. Terms are in
Cyrillic for Kazakh and Russian, in Latin for English: a narrative in Latin letters is read in
Cyrillic too, and the letters children drop are folded on both sides.
"""

from __future__ import annotations


def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split("|") if t.strip()]


def _lex(kk: str = "", ru: str = "", en: str = "", emoji: str = "") -> dict[str, list[str]]:
    out = {"kk": _split(kk), "ru": _split(ru), "en": _split(en)}
    if emoji:
        out["emoji"] = emoji.split()
    return {k: v for k, v in out.items() if v}


LEXICONS: dict[str, dict[str, list[str]]] = {
    # Someone proposes or arranges to be with the child.
    "meeting": _lex(
        kk="үйге келеді|мектепке келеді|ертең келеді|келіп алып кет|алып кетеді|көлігіме отыр|көлікке отыр|машинаға отыр|апарып салам|апарам|жеткізіп салам|=күт|күтіп тұр|күте|күтіп|жалғыз кел|кездес|көріс|жолығ|жолықс|келемін|келем|=кел|келші|келесің бе|барамын|"
        "барамыз|барайық|барасың ба|алып кет|алып кетем|алып кетемін|алып барам|күтемін|күтем|"
        "күтеді|күтіп тұрам|шық|шығып кел|серуенде|қонаққа|үйіме кел|үйіне кел|такси|"
        "кинога бар|кафеге бар|паркке бар|саябаққа бар|серуенге бар|қыдыр|алдында тұр|"
        "қасында тұр|жанында тұр|сыртта тұр|артымнан жүр|аңдып",
        ru="давай в|давай завтра|давай сегодня|давай после|подойд|подход|к себе|к себе домой|сядь в машину|садись в машину|садись ко мне|подвезти|покатать|приходи один|приходи одна|жди меня|будет ждать|встрет|встреч|свидан|приед|приезж|прид|приход|прийти|зайд|заход|загляну|увидимся|"
        "увидеться|увидим|забер|забра|забир|заед|подъед|подожд|=жду|=ждет|=ждать|=ждут|будет ждать|"
        "ждет тебя|ждет меня|погуля|пойдем|пойдём|сходим|покатаем|в гости|ко мне|к тебе|выход|"
        "выйди|такси|отвезу|отвезет|подвезу|подвезет|стоит у|стоит возле|стоит под|стоит около|"
        "караулит|поджидает|ходит за мной|преследует|договорил",
        en="get in his car|get in my car|get in the car|ride with|give you a ride|be at the|come out|parked outside|im outside|i'm outside|come alone|come to|wait for|will wait|would wait|be waiting|waiting at|i'll wait|ill wait|coming over|coming to|coming for you|come pick|coming to get|meet|see you|see u|pick you up|pick ~ up|pick up|come over|come to your|come get|"
        "come and get|wait for you|wait for me|waiting for you|waiting for me|hang out|hangout|"
        "come to my|visit you|drive you|take you|taxi|be there|meetup|meet up|go on a date|"
        "come round|come outside|sneak out|standing outside|is outside|waiting outside|"
        "following me|followed me",
    ),
    "invitation": _lex(
        kk="шақырды|шақырып|шақырады|қонаққа шақыр",
        ru="позвал|пригласил|приглашает|зовет|зовёт|звал",
        en="invited|invites|asked me to come|asked her to come|asked him to come|wants me to come|told me to come|told him to be|told her to be",
    ),
    "secrecy": _lex(
        kk="ешкімге айтпа|анаңа айтпа|анаға айтпа|анама айтпа|әкеге айтпа|ата-анаға айтпа|үйдегілерге айтпа|әкеңе айтпа|ата-анаңа айтпа|құпия|чатты өшір|хатты өшір",
        ru="никому не говори|не говори маме|маме не говори|маме не говорить|не говорить маме|родителям не говори|наш секрет|это секрет|удали переписку|удали чат|мама не узнает",
        en="don't tell|dont tell|our secret|our little secret|delete the chat|delete our chat|keep it secret|your mum won't know|your mom won't know",
        emoji="\U0001f92b",
    ),
    # When: a day, a part of the day, "after school" (a clock time is the built-in #clock).
    "time": _lex(
        kk="=кейін|кешкі|түскі ас|ертең|бүгін|кешке|=кеш|таңертең|түнде|түнгі|сабақтан кейін|мектептен кейін|"
        "сабақтан соң|мектептен соң|дүйсенбі|сейсенбі|сәрсенбі|бейсенбі|=жұма|жұмада|жұма күні|"
        "сенбі|жексенбі|демалыс|сағаттан кейін|түстен кейін|үзілісте|қазір|жақында",
        ru="=после|щас|перемен|на каникулах|каникул|в обед|завтра|сегодня|вечер|утром|ночью|после школ|после урок|после занятий|после уроков|"
        "послезавтра|понедельник|вторник|=в среду|=среду|четверг|пятниц|суббот|воскрес|выходн|"
        "через час|через полчаса|в обед|после обеда|на перемене|сейчас|прямо сейчас|скоро",
        en="=after|tonite|2nite|2day|later|this afternoon|tomorrow|tmrw|tmr|2moro|tonight|today|after school|after lessons|after class|"
        "weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday|this evening|"
        "in an hour|later today|at night|at lunch|right now|after practice",
    ),
    # Where: a place to meet.
    "place": _lex(
        kk="базар|мекенжай|фонтан|саябақ|далада|подъезге|стадион|спортзал|кітапхана|көл|орындық|дүкеннің|подъезге|подъезд|мектептің артында|мектеп артында|артында|алдында|қасында|жанында|паркте|парк|"
        "саябақ|аялдама|дүкен|сауда орталығ|орталықта|кинотеатр|подъезд|гараж|кафе|пәтер|"
        "қонақ үй|машина|мега|ойын алаң|үйге|үйіне|үйіме|бұрышта|аула|балалар алаң|спорт алаң|"
        "футбол алаң|алаңына|алаңқай|кинога|кафеге",
        ru="во двор|=рядом|я рядом|к школе|озер|рыбалк|дач|базар|офис|адрес|=тц|к подъезду|стадион|спортзал|у спортзала|у озера|лавочк|скамейк|за углом|аллее|у школы|за школой|возле|около|у подъезда|у входа|у фонтана|в парке|парк|=тц|"
        "торгов|остановк|гараж|подъезд|кафе|кино|студи|кинотеатр|квартир|гостиниц|отель|сауна|"
        "в машин|на углу|у дома|к дому|у гаражей|за гаражами|на площадке|во дворе|ко мне домой|"
        "площадк",
        en="studio|outside|parked|your block|ur block|the mall|his office|his flat|his apartment|address|stadium|gym|bench|lake|school gate|by the gym|behind the school|garages|behind|near my school|near your school|by the mall|bus stop|park|mall|garage|"
        "fountain|cinema|cafe|hotel|his car|my house|your house|my place|his place|the corner|"
        "outside school|outside your school|playground|address",
    ),
    # Someone other than the writer is acting (required for a meeting under "something else").
    "actor": _lex(
        kk="=ол|ағай|=аға|кісі|адам|біреу|жігіт|еркек|танымайтын|таныс емес|деді|дейді|=деп|депті|"
        "жазды|жазады|жазып|айтты|шақыр|ұсыныс",
        ru="=он|=она|мужчин|дядя|дяденьк|незнаком|взросл|парень|какой-то|человек|сказал|"
        "написал|пишет|предлож|зовет|зовёт|звал|говорит|обещ|кто-то|кем-то|кого-то|кому-то",
        en="=he|he's|he'll|=him|=she|she'll|a man|=man|guy|stranger|adult|someone|said|says|"
        "told|wrote|texted|messaged|offered|asked|invited",
    ),
    # Context that makes a meeting an ordinary one (near the meeting word).
    "benign_meeting": _lex(
        kk="zoom|зум|онлайн сабақ|мұғалім|класпен|сыныппен|экскурсия|мұражай|музей|=апам|=анам|=әкем|=атам|=әжем|=мамам|=папам|ата-аналар|ата-аналармен|ата аналар|жиналыс|сынып сағат|үйірме|шахмат|досымен|"
        "достарымен|сыныптас|оқушылармен|баламды алып|ұлымды алып|қызымды алып|мұғаліммен|"
        "барлығымыз|бәріміз|жарысқа|дайындық",
        ru="zoom|зум|онлайн урок|музей|экскурси|с классом|классом|=мама|=папа|бабушка|мама заберет|папа заберет|родительск|собрани|с классом|клуб|кружок|кружк|секци|актов|лекци|экскурси|"
        "с подругой|с подругами|с друзьями|с другом|с одноклассник|справк|заберу сына|"
        "заберу дочь|забрать сына|забрать дочь|заберу ребенка|врач|стоматолог|с вами|всем классом|"
        "всей командой|командой|соревнован",
        en="zoom|online lesson|our class|class trip|school trip|field trip|museum|my mum|my mom|my dad|my grandma|my grandpa|my granny|my aunt|parents' meeting|parents meeting|parents evening|parent-teacher|parent teacher|chess|club|with the class|"
        "my friend|my friends|with friends|assembly|groceries|clearance|certificate|volunteer|"
        "pick my son|pick my daughter|pick up my son|pick up my daughter|doctor|dentist|all of us|"
        "the whole class|the whole team|our team|tournament|competition",
    ),
    # A word that puts what is said in the past (near the meeting word).
    "past_context": _lex(
        kk="бұрын бір|бір кездері|былтыр|өткен жылы|өткен айда|өткен аптада|ай бұрын|жыл бұрын|апта бұрын|күн бұрын|"
        "бұрын ол|ол бұрын|кезінде|баяғыда|бұрынырақ|өткен көктемде|өткен күзде|өткен жазда|"
        "өткен қыста",
        ru="назад|в прошлом|давно|раньше|когда-то|прошлым летом|прошлой зимой|в детстве|"
        "прошлом году|прошлом месяце|прошлой весной|прошлой осенью",
        en="ago|last year|last month|last summer|last winter|last spring|last autumn|last fall|"
        "used to|back in|when i was",
    ),
    # Words that negate the next word (Russian and English; Kazakh negates in the verb).
    "negation_before": _lex(
        ru="=не|=ни|=никогда|=нет|=неа",
        en="=not|=never|=didn't|=didnt|=don't|=dont|=won't|=wont|=haven't|=havent|=hasn't|"
        "=hasnt|=can't|=cant|=no",
    ),
    # Words that negate the verb before them (Kazakh).
    "negation_after": _lex(kk="=жоқ|=жоқпыз|=жоқпын|=жоқсың|жоқпы|=емес|=емеспін|=емеспіз"),
    # Self-harm and suicidal thoughts: any category.
    "self_harm": _lex(
        kk="тірі жүргім келмей|өзіме зиян|өмірім керек емес|кеткім келеді бұл өмірден|өзімді кес|өзімді кесіп|қоштасамын|қоштасам|бәрі бітеді|бәрін бітір|жоғалып кетк|оянғым келмей|суицид|өзімді өлтір|өзін өлтір|өзімді-өзім өлтір|өлгім келеді|өлгім кел|өлейін|"
        "өлемін|өмір сүргім келмей|жасағым келмей|өмірден кеткім|өзіме қол жұмса|қол жұмсаймын|"
        "асылып|асыламын|асылам|қолын кес|қолымды кес|тамырымды кес|тамырын кес|кесемін|"
        "таблетка ішем|барлық таблетка|бәрін бітірем|жоғалғым келеді|секіремін|өзімді жарақат|"
        # said in other words: wishing oneself dead or gone, tired of living, the means
        "өлсем екен|өлсем жақсы|өліп қалғым|өліп кетсем|өлгенім жақсы|өлгім кеп|мен болмасам|"
        "менсіз бәрі|менсіз жақсы|өмірден шаршадым|өмір сүруден шаршадым|өмірдің мәні жоқ|"
        "өмірдің мағынасы жоқ|тірі болғым келмей|тірі қалғым келмей|оянбасам екен|"
        "мәңгі ұйықтағым|көпірден секір|терезеден секір|шатырдан секір|төбеден секір|асылғым|"
        "дәрінің бәрін|дәрілердің бәрін|таблетканың бәрін|жоқ болғым|құрығым келеді|"
        "бұл өмірден кетк|дүниеден кетк|өзіме бірдеме істе|өзіме бірдеңе істе|өзіме бір нәрсе істе|"
        "өзіме бірдеме жаса|өзіме бірдеңе жаса|таблеткаларды ішіп|дәрілерді ішіп|ішіп қойғым|"
        "мені іздемеңдер|мені іздемеңіз|жоқ болсам бәрі|жоқ болсам бәріне|жоқ болсам жақсы|веналарымды кес|венамды кес|"
        "таблетка іштім|таблетка ішіп алдым|дәрі ішіп алдым|соңғы күнім|мені енді көрмейсіңдер|мені енді ешкім көрмейді",
        ru="жить не хочется|все закончу|всё закончу|все кончится|всё кончится|собрала таблетки|собрал таблетки|таблетки уже|прощальн|не проснуться|лучше без меня|лучше бы меня|сколько таблеток|выпрыгну|из окна|режу руки|порежу руки|режу вены|не хочу просыпаться|не хочу больше жить|уйти из жизни|не хочу быть|суицид|самоуб|покончить с собой|покончу с собой|покончить со всем|покончу со всем|"
        "покончить с жизнью|покончу с жизнью|убить себя|убью себя|не хочу жить|жить не хочу|"
        "не хочется жить|хочу умереть|хочется умереть|лучше умереть|умереть хочу|хочу умерет|"
        "лучше бы меня не было|лучше бы я умер|порежу себя|порезать себя|режу себя|вены|"
        "порезы на|порезала|порезал себя|выпью все таблетки|выпить все таблетки|наглотаюсь|"
        "наглотаться|повешусь|повеситься|спрыгну|прыгну с|с крыши|исчезнуть навсегда|"
        "нет смысла жить|устала жить|устал жить|не вижу смысла|причиню себе|"
        "хочу сдохн|хочется сдохн|лучше сдохн|сдохнуть бы|выпилиться|выпилюсь|"
        "меня скоро не будет|скоро меня не будет|меня больше не будет|меня не станет|"
        "хочу исчезн|хочется исчезн|хочу пропасть|не хочу существовать|надоело жить|"
        "устала от жизни|устал от жизни|заснуть и не проснуться|уснуть и не проснуться|"
        "уснуть навсегда|заснуть навсегда|спрыгнуть с|прыгнуть с крыши|прыгнуть с моста|"
        "броситься под|брошусь под|взяла лезвие|взял лезвие|лезвием по|режу себе|резать себя|резаться|селфхарм|"
        "напьюсь таблеток|таблеток напьюсь|выпью таблетки|прощайте все|в последний раз пишу|"
        "не могу больше жить|незачем жить|жизнь не имеет смысла|без меня будет лучше|"
        "хочу ~ умереть|хочется ~ умереть|не хочу ~ жить|не хочется ~ жить|"
        "себе что-то сделаю|себе что то сделаю|себе что-нибудь сделаю|с собой что-то сделаю|"
        "с собой что то сделаю|что-то с собой сделаю|что то с собой сделаю|меня не ищите|"
        "счастливее без меня|без меня всем|не хочу ~ просыпаться|зачем жить|зачем мне жить|"
        "зачем вообще жить|выпила ~ таблетки|выпил ~ таблетки|выпила все|выпил все|"
        "вообще последний|последний день жизни|последний день моей жизни|"
        "больше меня не увидите|меня больше не увидите|последний раз пишу",
        en="goodbye letter|goodbye note|suicide note|been cutting|cutting again|be here anymore|dont wanna be here|don't wanna be here|better without me|how many pills|wanna disappear|won't be around|not be around|kill me now|don't want to wake up|dont want to wake up|no point living|goodbye forever|suicide|suicidal|kill myself|killing myself|=kms|end my life|end it all|ending it|"
        "want to die|wanna die|wish i was dead|wish i were dead|better off dead|"
        "don't want to live|dont want to live|do not want to live|hurt myself|self-harm|"
        "self harm|cut myself|cut herself|cut himself|cutting myself|cutting herself|cuts on|"
        "all the pills|overdose|jump off|hang myself|unalive|not be here anymore|"
        "disappear forever|no reason to live|"
        "sleep forever|never wake up|end myself|take my own life|take my life|end my own life|"
        "die tonight|won't be here tomorrow|wont be here tomorrow|tired of living|"
        "tired of life|sick of living|life is pointless|nothing to live for|no point in living|"
        "want to disappear|want to vanish|razor blade|slit my|my wrists|jump in front|"
        "in front of a train|swallow all|take all my pills|want to ~ die|wanna ~ die|"
        "hurting myself|hurting herself|hurting himself|hurt herself|hurt himself|"
        "can't do this anymore|cant do this anymore|don't look for me|dont look for me|"
        "took a bunch of|bunch of pills|handful of pills|took all the pills|swallowed pills|"
        "happier without me|why live|"
        "my last day alive|last day on earth|last day of my life|you won't see me again|"
        "you'll never see me again|this is goodbye",
    ),
    "negation_bridge": _lex(
        kk="=да|=де|=та|=те|=әлі",
        ru="предлагал|предложил|хотел|собирался|будем|будет|звал|говорил|просил|пытался",
        en="asked|wanted|offered|tried|going|plan",
    ),
    # A threat to spread or show the child's images or secrets.
    "threat": _lex(
        kk="тиктокқа|инстаграмға|инстаға|телеграмға|интернетке|желіге салам|салып жіберем|жұрттың бәрі|достарыңа жіберем|барлық достар|достарыңа тарат|жіберем|бәрі көреді|бәрі біледі|бәріне кет|барлығына кет|бәрі көреді|бәріне жібер|сыныптың чатына|тарат|жариялаймын|жариялайм|жариялай|салып жіберем|бәріне жіберем|барлығына жіберем|"
        "ата-анаңа жіберем|анаңа жіберем|әкеңе жіберем|көрсетемін|көрсетем|интернетке салам|"
        "қорқыт|бопса|чатқа таста|чатқа сал|анаң көреді|әкең көреді|ата-анаң көреді|"
        "анаңа көрсетем|әкеңе көрсетем|анама жібер|әкеме жібер|ата-анама жібер|анама көрсет|"
        "әкеме көрсет|ата-анама көрсет|достарыма жібер|сыныптастарыма жібер|чатына таста|"
        "чатына сал|топқа таста|топқа сал|группаға таста|группаға сал",
        ru="выложу в сеть|в сеть выложу|скину в сеть|увидит вся|вся школа|весь класс|узнает вся|узнают все|увидит весь|увидят все|все увидят|все узнают|узнают все|ушло всем|уйдет всем|уйдёт всем|всем друзьям|твоим друзьям|подписчик|выложу в интернет|разошл|рассыл|отправлю всем|отправит всем|всем отправ|всем скину|скину всем|"
        "опубликую|опубликует|выложу|выложит|солью|сольет|слить|распростран|"
        "отправлю родителям|покажу родителям|покажет родителям|покажу всем|угрож|шантаж|"
        "увидит мама|увидит папа|увидят родители|мама увидит|родители увидят|покажу маме|"
        "покажу папе|отправлю маме|отправлю папе|скину маме|скину родителям|скину в чат|"
        "кину в чат|скину в ~ чат|отправлю в чат|выложу в чат|всей школе|всему классу|"
        "отправит мои|отправлю твои|скинет мои|скину твои|выложит мои|выложу твои|маме отправ|"
        "маме скин|маме покаж|папе отправ|папе скин|родителям отправ|родителям скин|"
        "родителям покаж",
        en="all your friends|everyone in|your friends|your followers|everyone will know|posts|ill post|hell post|he'll post|send it to|send them to|send everything|post|leak|share them|share it|expose|"
        "show your parents|show everyone|goes to|go to your|put everything|put it on|"
        "everyone will see|i'll send|i will send|will send|spread|blackmail|threaten|"
        "your mom will see|your mum will see|your parents will see|your dad will see|"
        "show your mom|show your mum|send to your mom|send to your mum|send them to my|"
        "send it to my|show my mom|show my mum|show my parents|send to my parents",
    ),
    # Conditions that only threaten inside a sextortion report.
    "threat_condition": _lex(
        kk="салмасам|төлемесем|бермесем|жібермесем|әкелмесем|әкелмесең|таппасаң|таппасан|бермесеңдер|салмасаң|аудармасаң|жібермесең|әйтпесе|бермесең|жібермесең|жібермесе|бермесе|төлемесең|төлемесе",
        ru="не переведешь|не переведёшь|переведешь|не заплатишь|иначе|если не|а то|не заплатишь|не скинешь|не отправишь|"
        "а потом|потом все|после этого|или все|или фото|или видео|не ответишь|не удалишь",
        en="or else|unless|if you don't|if you dont|if i don't|if i dont|or the|or i|or everyone|"
        "then everyone|or your",
    ),
    # A deadline (a clock time is the built-in #clock).
    "deadline": _lex(
        kk="күн ішінде|ішінде|бір күн|түн ортасы|жұмаға|сенбіге|жексенбіге|дүйсенбіге|апта соңына|сағат|сағ|дейін|сағат ішінде|бір сағат|бүгін|ертең|кешке|минут|таңға|түнге",
        ru="полуноч|до завтрашн|до вечера|до утра|до пятниц|до суббот|до воскрес|до понедельник|до вторник|до сред|до четверг|до конца недели|до ночи|полноч|у тебя час|у тебя сутки|=сутки|до завтра|до вечера|до утра|до конца дня|через час|через полчаса|через|часа|часов|"
        "сегодня|к вечеру|к утру|завтра|минут|сутки|=час",
        en="midnight|by friday|by monday|by saturday|by sunday|end of the week|end of today|you have|by tomorrow|by tonight|one hour|an hour|hours|minutes|tonight|today|until|till|"
        "24h|=1h|before|by the end|tomorrow",
    ),
    # The abuse goes on, or the abuser is near the child.
    "ongoing": _lex(
        kk="қазір|=әлі|әлі де|күнде|күн сайын|тағы да|=тағы|қайтадан|жалғасуда|үнемі|жиі|"
        "әр жолы|бүгін де|ертең|тиісе|тиіседі|ұстай береді|жасап жүр|зорлап жүр|мазалайды",
        ru="сейчас|до сих пор|продолжа|каждый день|каждую ночь|каждый раз|опять|снова|всё ещё|"
        "все еще|постоянно|регулярно|когда мамы нет|когда никого нет|сегодня|завтра|трогает|"
        "домогается|пристает|насилует|заставляет|приходит ночью|лезет",
        en="still|right now|keeps|every day|every night|every time|again|ongoing|always|"
        "whenever|touches me|comes to my room|tonight|tomorrow",
    ),
    # What the abuser does (with access or going on: P1 whatever the category).
    "abuse_act": _lex(
        kk="бөлмеме кіреді|бөлмеме кіріп|төсегіме|тиіседі|тиісіп жүр|сипалайды|зорлайды|"
        "зорлап жүр|мазалайды",
        ru="трогает меня|трогает её|трогает ее|домогается|пристает ко мне|пристаёт ко мне|"
        "лезет ко мне|заходит ко мне ночью|приходит ко мне ночью|ложится ко мне|насилует|"
        "заставляет меня",
        en="touches me|touching me|touches her|comes into my room|comes to my room|"
        "gets into my bed|abuses me|abusing me|forces me|makes me do",
    ),
    "access": _lex(
        kk="бізбен бірге тұрады|бізбен тұрады|бізбен|бірге тұрады|үйде|үйге келеді|үйімізге|"
        "өгей әке|өгей|ағасы|ағам|атасы|көрші|жаттықтырушы|тренер|жаттығу|мұғалім",
        ru="живет с нами|живем вместе|живет у нас|отчим|сожител|брат мужа|дядя|дедушк|тренер|"
        "учитель|сосед|придет к нам|приходит к нам|к нам домой|у нас дома|=дома|"
        "в одной квартире|репетитор|трениров",
        en="lives with us|living with us|stepdad|stepfather|step-father|step dad|uncle|"
        "mum's boyfriend|mom's boyfriend|coach|teacher|neighbour|neighbor|at home|"
        "in our house|comes over|lives next door|training",
    ),
    "no_access": _lex(
        kk="байланысы жоқ|басқа елде|басқа қалада|көшіп кет|байланыс жоқ|байланыспайды|көшіп кетті|кетіп қалды|түрмеде|ұсталды|сотталды|"
        "ол қайтыс бол|профилін өшір|парақшасын өшір|әскерде|армияда|үйге келмейді",
        ru="в другой стране|в другом городе|контактов нет|нет контакт|не общается|не общаемся|уехал|переехал|в тюрьме|задержан|"
        "арестован|посадили|осужден|он умер|удалил профиль|удалил страниц|удалил аккаунт|"
        "больше не появлял|в армии",
        en="no contact|moved away|moved to another|in prison|in jail|arrested|convicted|he died|in the army|"
        "deleted his account|deleted his profile",
    ),
    # An adult asking for images: a request near an image, or to undress.
    "request": _lex(
        kk="маған көрсет|=көрсет|көрсетші|=жібер|жіберші|жіберсең|жібересің бе|жібермесең|жібер деп|жіберуімді|сұрайды|"
        "сұрады|сұрап|сұраған|сұрапты|түсір|суретке түс|ақша беремін|ақша берем|"
        "төлеймін|=қос|қосшы",
        ru="=скинь|скинь мне|=отправь|отправь мне|=пришли|пришли мне|=покажи|покажи мне|=скинуть|скинешь|скидывай|отправишь|=прислать|присылай|"
        "сфотка|сфотограф|сними|показать|просит|просил|попросил|требует|включи|хочет чтобы|заставля|уговарива|"
        "за деньги|заплачу|плачу за|предложил деньги",
        en="=send|send me|to send|asks me to send|asking me to send|asked me to send|"
        "wants me to send|asking|asks|asked|show me|take a pic|pay|money for|turn on|turn your|"
        "told me to|told her to|told him to|wants me to|wants her to|"
        "offered|for money",
    ),
    "benign_images": _lex(
        kk="үй тапсырма|үй жұмыс|күнделік|конспект|=әжем|=ажем|=анам|мұғалім|онлайн|сабақта|"
        "туған күн|мектеп форма|альбом",
        ru="альбом|на уроке|онлайн урок|учительниц|домашк|домашн|дз|конспект|дневник|бабушк|=мама|=папа|утренник|стенд|в форме|школьн форм|классная|учитель|со смеху|не туда",
        en="homework|notes|grandma|grandpa|my mum|my mom|concert|yearbook|uniform|teacher|wrong window|wrong chat|laughing|"
        "drawing|painting|art contest|online lesson|in class",
    ),
    # A threat to hurt the child (with a deadline: P1 in any category).
    "harm_threat": _lex(
        kk="сені табам|сені табамын|сені тауып|тауып алам|ұрамын|ұрамыз|ұрып тастаймын|сабай|сабап тастаймын|өлтіремін|"
        "өлтірем|пышақтаймын|өкінесің",
        ru="найду тебя|найдет тебя|найдёт тебя|найдет меня|найдёт меня|изобью|изобьет|изобьёт|"
        "покалечу|покалечит|зарежу|зарежет|побью|побьет|побьёт|убью тебя|=убью|сожгу|отомщу|"
        "пожалеешь",
        en="i'll find you|ill find you|will find you|find where you live|beat you up|beat me up|"
        "hurt you|hurt your|kill you|you'll regret|you will regret",
    ),
    # A deadline that is a threat by itself inside a sextortion report ("у тебя 3 дня").
    "ultimatum": _lex(
        kk="саған ~ күн|саған ~ сағат|саған бір күн|саған бір сағат|уақыт беремін|мерзім беремін",
        ru="у тебя ~ дня|у тебя ~ дней|у тебя ~ часа|у тебя ~ часов|у тебя ~ минут|у тебя сутки|"
        "у тебя час|у тебя неделя|даю тебе ~ час|даю тебе ~ дня|даю тебе сутки|даю тебе время|"
        "даю время до|срок до",
        en="you have ~ hours|you have ~ days|you have ~ minutes|you have until|you've got until|"
        "you got ~ hours|i give you ~ hours|i'll give you until|24 hours to",
    ),
    # School work: a teacher's "by Friday, or no mark" is not a threat.
    "schoolwork": _lex(
        kk="баға қой|бағасын|баға қоймай|жоба|үй тапсырма|үй жұмыс|тоқсандық|бақылау жұмыс",
        ru="оценк|двойк|домашк|домашн|=дз|проект|контрольн|четверт|зачет|зачёт",
        en="grade|homework|project|assignment|detention|coursework",
    ),
    "demands_money": _lex(
        kk="ақша сұрады|ақша сұрап|ақша сұрайды|ақша талап",
        ru="требует деньги|требует денег|просит деньги|просит денег|хочет деньги|хочет денег",
        en="asked for money|asks for money|wants money|asking for money|demands money",
    ),
    "song": _lex(
        kk="әнде|ән сөзі|әннің|фильмде|кинода",
        ru="в песне|слова песни|песня|в фильме|в сериале",
        en="in the song|song lyrics|the lyrics|in the film|in the movie|dying of laughter|dying laughing",
    ),
    "image": _lex(
        kk="сурет|фото|видео|жалаңаш|шешін|киімсіз|іш киім|денең|селфи|камераны|камерасын|камерага",
        ru="=кружок|кружоч|камер|покажи себя|полотенц|в трусах|в пижаме|в белье|фото|фотк|фоточк|селфи|снимк|видео|видос|картинк|нюд|интим|голы|голая|голую|"
        "без одежды|в белье|нижнем бел|купальник|раздет|обнаж",
        en="=cam|cam on|webcam|camera|facetime|pjs|pyjamas|pajamas|towel|in ur|in your underwear|photo|=pic|=pics|picture|selfie|video|nude|naked|without clothes|underwear|swimsuit|"
        "bikini|your body",
        emoji="\U0001f4f8",
    ),
    # What a picture shows that makes it sexual (with a child under 14: P1).
    "revealing": _lex(
        kk="жалаңаш|киімсіз|іш киім|денең|майкасыз",
        ru="полотенц|в трусах|в белье|нижнем бел|купальник|без одежды|нюд|голы|голая|голую|"
        "раздет|обнаж",
        en="towel|in your underwear|underwear|swimsuit|bikini|your body|nude|naked|without clothes",
    ),
    "undress": _lex(
        kk="шешін|киіміңді шеш|киімді шеш|=шеш|жалаңашта|майкасыз|футболкасыз|киімнің астын",
        ru="=разденься|=раздеться|=раздевайся|=разденешься|=раздевайся|сними одежду|снять одежду|снять всё|"
        "без майки|без футболки|без кофты|без трусов|без лифчика|сними футболку|сними майку|"
        "сними кофту|под худи|под футболк|под кофт|под одежд|под майк|под юбк",
        en="undress|take off your clothes|take your clothes off|strip|send nudes|nudes|shirt off|"
        "top off|clothes off|pants off|bra off|under your shirt|under your hoodie|what's under|"
        "take off ~ shirt|take off ~ top|take off ~ clothes|take off ~ bra|take ~ shirt off|"
        "take ~ top off|"
        "whats under",
    ),
    # Sexual content (with a child under 14: P1).
    "sexual": _lex(
        kk="жыныстық|жыныс|ұятты|ұятсыз|жалаңаш|шешінген|денең туралы|порно|эротика|тиісе|"
        "жезөкше|уят нәрсе|ujat|ұят сөз|ұят сурет|ұят видео|уиат",
        ru="секс|интим|голы|голая|голые|пошл|порн|эрот|непристойн|раздет|обнаж|половы|"
        "домогает|разврат|18+|трогает",
        en="sex|sexual|nude|naked|porn|dirty pic|dirty picture|dirty message|explicit|"
        "private parts|touches|touched me|18+",
        emoji="\U0001f346 \U0001f351 \U0001f4a6 \U0001f51e",
    ),
}
